package had.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditFiles;
import had.audit.AuditLog;
import had.audit.LogScript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports on hand-built logs, against answers worked out by hand in each test. */
class ReportTest {
    static final long S = 1_000_000_000L;
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    static Instant at(double seconds) {
        return LogScript.ORIGIN.plusNanos((long) (seconds * 1e9));
    }

    Availability.Result report(Path live, Instant since, Instant until) throws Exception {
        return ReportCommand.compute(AuditFiles.discover(live).files(), since, until, 0, QUIET);
    }

    static Availability.ServiceReport service(Availability.Result r, String name) {
        return r.services().stream().filter(s -> s.service().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void oneRunWithADegradedSpellAndAnOutage() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 500).start().resync(0)
                .at(1).bond("bond0", true, 2, 2)
                .at(11).rec("port.link", "slot", 2, "port", 0, "ifname", "eth0", "carrier", false)
                .bond("bond0", true, 1, 2)
                .at(16).rec("port.link", "slot", 12, "port", 0, "ifname", "eth2", "carrier", false)
                .bond("bond0", false, 0, 2)
                .at(18).bond("bond0", true, 2, 2)
                .at(20).stop();
        // Counted from 1 s (first seen up) to 20 s: up 1-11 and 18-20 = 12 s, degraded 11-16 = 5 s, down 16-18 = 2 s.
        Availability.ServiceReport b = service(report(log, null, null), "bond0");
        assertEquals(12 * S, b.upNanos());
        assertEquals(5 * S, b.degradedNanos());
        assertEquals(2 * S, b.downNanos());
        assertEquals(0, b.unknownNanos());
        assertEquals(17.0 / 19, b.availability(), 1e-12);
        assertEquals((2.0 / 19) * Availability.MINUTES_PER_YEAR, b.projectedMinutesPerYear(), 1e-6);
        assertFalse(b.withinFiveNines());
        assertEquals(1, b.outageCount());
        Availability.Outage o = b.outages().get(0);
        assertEquals(at(16), o.start());
        assertEquals(2 * S, o.durationNanos());
        assertEquals("link down on slot 12 port 0", o.cause());
        assertEquals("", o.note());
    }

    /** Records the log could neither write nor hold: what they said is unknown until recorded again. */
    @Test
    void timeWhoseAuditRecordsWereLostIsUnknown() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 500).start().resync(0)
                .at(1).bond("bond0", true, 2, 2)
                .at(10).heartbeat()
                // The disk full from 11 s; memory full too from 12 s to 35 s; writing again at 40 s.
                .at(40).rec("audit.lost", "records", 12, "from", at(12).toString(), "to", at(35).toString(),
                        "from_mono", 512 * S, "to_mono", 535 * S, "reason", "No space left on device")
                .bond("bond0", false, 0, 2)
                .at(50).bond("bond0", true, 2, 2)
                .at(60).stop();
        Availability.Result r = report(log, null, null);
        Availability.ServiceReport b = service(r, "bond0");
        // up 1-12 and 50-60 = 21 s; unknown 12-40 = 28 s (until it was recorded again); down 40-50 = 10 s.
        assertEquals(21 * S, b.upNanos());
        assertEquals(28 * S, b.unknownNanos());
        assertEquals(10 * S, b.downNanos());
        assertEquals(21.0 / 59, b.availability(), 1e-12);
        Availability.Outage o = b.outages().get(0);
        assertEquals(at(12), o.start());
        assertEquals(38 * S, o.durationNanos());
        assertEquals(28 * S, o.unknownNanos());
        assertEquals("unknown: began while audit records were lost (found down when had could write its log again)", o.cause());
        assertTrue(o.note().startsWith("began while audit records were lost"), o.note());
        assertEquals(List.of(new Availability.Lost(at(12), at(35), 12)), r.lost());
        assertEquals(0, r.gapCount(), "had ran throughout");
        String text = TextReport.render(r, java.time.ZoneOffset.UTC, true);
        assertTrue(text.contains("audit records lost from 2026-03-01 00:00:12.000Z to 2026-03-01 00:00:35.000Z: 12 record(s)"),
                text);
    }

    @Test
    void anOutageNoticedLateStartsWhenItsLinkWent() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript script = new LogScript(log).run(0, 500).start().resync(0).at(1).bond("bond0", true, 2, 2);
        long linkLost = script.mono(); // 1 s: the kernel reports the active slave's carrier gone
        script.at(1.25).rec("service.state", "service", "bond0", "kind", "bond", "up", false, "working", 1,
                        "slaves", 2, "expected", 2, "active", "eth0", "since", linkLost)
                .at(1.5).bond("bond0", true, 1, 2)
                .at(3).stop();
        Availability.ServiceReport b = service(report(log, null, null), "bond0");
        assertEquals(S / 2, b.downNanos(), "down from the link loss at 1 s to the failover seen at 1.5 s");
        assertEquals(at(1), b.outages().get(0).start());
    }

    @Test
    void aWallClockStepChangesNoDuration() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 500).start()
                .at(1).bond("bond0", true, 2, 2)
                .at(5).bond("bond0", false, 0, 2)
                .stepWall(-3600)
                .at(5 - 3600 + 3).bond("bond0", true, 2, 2)
                .at(10 - 3600).stop();
        Availability.ServiceReport b = service(report(log, null, null), "bond0");
        assertEquals(3 * S, b.downNanos());
        assertEquals(at(5), b.outages().get(0).start());
        assertEquals(3 * S, b.outages().get(0).durationNanos());
    }

    /**
     * bond0 goes down at 10 s (a card yanked); the live file rotates during the outage; had dies
     * after its heartbeat at 120 s; a new run (new boot: another monotonic base) starts at 300 s,
     * finds bond0 down at 301 s, and sees it up at 305 s; stops at 310 s.
     */
    @Test
    void anOutageSpanningARotationAndARestartIsOneOutage() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log, new AuditLog.Settings(4096, 0, 60_000)).run(0, 1000).start().resync(1)
                .at(1).bond("bond0", true, 2, 2)
                .at(10).rec("card.removed", "slot", 2, "improper", true, "state", "ACTIVE")
                .bond("bond0", false, 0, 2);
        for (int i = 0; i < 30; i++) s.at(11 + i).rec("port.unexpected", "slot", 5, "ifname", "eth9", "reason", "filler " + i);
        s.at(60).heartbeat().at(120).heartbeat().crash();
        s.run(300, 7).start().resync(0).at(301).bond("bond0", false, 0, 2).at(305).bond("bond0", true, 2, 2).at(310).stop();
        assertTrue(AuditFiles.discover(log).files().size() >= 2, "the outage spans a rotation");

        Availability.Result r = report(log, null, null);
        Availability.ServiceReport b = service(r, "bond0");
        // up 1-10 and 305-310; down 10-120 and 301-305; unknown 120-301 (last heartbeat to first state of the next run).
        assertEquals(14 * S, b.upNanos());
        assertEquals(114 * S, b.downNanos());
        assertEquals(181 * S, b.unknownNanos());
        assertEquals(14.0 / 309, b.availability(), 1e-12);
        assertEquals(14.0 / 128, b.knownAvailability(), 1e-12);
        assertEquals(1, b.outageCount(), b.outages().toString());
        Availability.Outage o = b.outages().get(0);
        assertEquals(at(10), o.start());
        assertEquals(295 * S, o.durationNanos());
        assertEquals(181 * S, o.unknownNanos());
        assertEquals("surprise removal of the card in slot 2", o.cause());
        assertTrue(o.note().contains("spans a restart of had"), o.note());
        assertEquals(2, r.runs());
        assertEquals(1, r.gapCount());
        Availability.Gap g = r.gaps().get(0);
        assertEquals(at(120), g.from());
        assertEquals(at(300), g.to());
        assertFalse(g.cleanStop());
        assertEquals(60_000, g.heartbeatMillis());
        assertEquals(180 * S, r.daemonAwayNanos());
    }

    /** The same crash without heartbeats: everything after the run's last record is unknown. */
    @Test
    void unknownTimeBetweenRunsIsBoundedByHeartbeats() throws Exception {
        Path without = dir.resolve("a").resolve("audit.log");
        new LogScript(without).run(0, 1000).start()
                .at(1).bond("bond0", true, 2, 2)
                .at(20).rec("port.link", "slot", 2, "port", 0, "ifname", "eth0", "carrier", true)
                .crash()
                .run(1000, 3).start().at(1001).bond("bond0", true, 2, 2).at(1010).stop();
        Availability.ServiceReport a = service(report(without, null, null), "bond0");
        // up 1-20 and 1001-1010 = 28 s; unknown 20-1001 = 981 s.
        assertEquals(28 * S, a.upNanos());
        assertEquals(981 * S, a.unknownNanos());
        assertEquals(28.0 / 1009, a.availability(), 1e-12);
        assertEquals(1.0, a.knownAvailability());

        Path with = dir.resolve("b").resolve("audit.log");
        LogScript s = new LogScript(with).run(0, 1000).start().at(1).bond("bond0", true, 2, 2);
        for (int t = 60; t <= 960; t += 60) s.at(t).heartbeat();
        s.crash().run(1000, 3).start().at(1001).bond("bond0", true, 2, 2).at(1010).stop();
        Availability.Result r = report(with, null, null);
        Availability.ServiceReport b = service(r, "bond0");
        // up 1-960 and 1001-1010 = 968 s; unknown 960-1001 = 41 s.
        assertEquals(968 * S, b.upNanos());
        assertEquals(41 * S, b.unknownNanos());
        assertEquals(968.0 / 1009, b.availability(), 1e-12);
        assertEquals(at(960), r.gaps().get(0).from());
        assertEquals(40 * S, r.daemonAwayNanos());
    }

    @Test
    void aCleanStopIsSaidAndAnOutageEndingWhileHadWasAwayIsBounded() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start()
                .at(1).bond("bond0", true, 2, 2)
                .at(10).bond("bond0", false, 0, 2)
                .at(20).stop()
                .run(100, 1).start().at(101).bond("bond0", true, 2, 2).at(110).stop();
        Availability.Result r = report(log, null, null);
        Availability.ServiceReport b = service(r, "bond0");
        // up 1-10, 101-110 = 18 s; down 10-20 = 10 s; unknown 20-101 = 81 s.
        assertEquals(18 * S, b.upNanos());
        assertEquals(10 * S, b.downNanos());
        assertEquals(81 * S, b.unknownNanos());
        Availability.Outage o = b.outages().get(0);
        assertEquals(at(10), o.start());
        assertEquals(91 * S, o.durationNanos());
        assertEquals(81 * S, o.unknownNanos());
        assertTrue(o.note().contains("ended while had was not running"), o.note());
        assertTrue(r.gaps().get(0).cleanStop());
    }

    @Test
    void anOutageThatBeganWhileHadWasAwayStartsWhereHadLastSawTheServiceUp() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start()
                .at(1).bond("bond0", true, 2, 2)
                .at(20).stop()
                .run(100, 1).start().at(101).bond("bond0", false, 0, 2).at(104).bond("bond0", true, 2, 2).at(110).stop();
        Availability.ServiceReport b = service(report(log, null, null), "bond0");
        assertEquals(3 * S, b.downNanos());
        assertEquals(81 * S, b.unknownNanos());
        Availability.Outage o = b.outages().get(0);
        assertEquals(at(20), o.start());
        assertEquals(84 * S, o.durationNanos());
        assertTrue(o.note().contains("began while had was not running"), o.note());
    }

    @Test
    void sinceAndUntilClipAndTimeAfterTheLastRecordIsUnknown() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start()
                .at(1).bond("bond0", true, 2, 2)
                .at(10).bond("bond0", false, 0, 2)
                .at(14).bond("bond0", true, 2, 2)
                .at(30).stop();
        // From 12 s to 50 s: down 12-14 = 2 s, up 14-30 = 16 s, unknown 30-50 = 20 s (had stopped).
        Availability.Result r = report(log, at(12), at(50));
        Availability.ServiceReport b = service(r, "bond0");
        assertEquals(2 * S, b.downNanos());
        assertEquals(16 * S, b.upNanos());
        assertEquals(20 * S, b.unknownNanos());
        assertEquals(at(12), r.from());
        assertEquals(at(50), r.to());
        assertEquals(1, b.outageCount());
        assertTrue(b.outages().get(0).note().contains("began before the period"));
        // From 15 s on, the outage is outside the period.
        assertEquals(0, service(report(log, at(15), null), "bond0").outageCount());
    }

    @Test
    void hotSwapCountsAndMttrPerSlotAcrossARestart() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start().resync(0)
                .at(1).rec("card.inserted", "slot", 2).rec("slot.state", "slot", 2, "from", "EMPTY", "to", "INSERTING")
                .rec("slot.state", "slot", 2, "from", "INSERTING", "to", "ACTIVE").rec("slot.in-service", "slot", 2, "ms", 10)
                .at(2).rec("card.inserted", "slot", 12).rec("slot.state", "slot", 12, "from", "EMPTY", "to", "ACTIVE")
                .at(10).rec("extraction.requested", "slot", 2, "source", "handle", "forced", false, "outcome", "accepted")
                .rec("slot.state", "slot", 2, "from", "ACTIVE", "to", "EXTRACTING")
                .at(11).rec("slot.state", "slot", 2, "from", "EXTRACTING", "to", "SAFE_TO_REMOVE")
                .at(15).rec("card.removed", "slot", 2, "improper", false, "state", "SAFE_TO_REMOVE")
                .rec("slot.state", "slot", 2, "from", "SAFE_TO_REMOVE", "to", "EMPTY")
                .at(20).rec("card.inserted", "slot", 2).rec("slot.state", "slot", 2, "from", "EMPTY", "to", "ACTIVE")
                .at(22).rec("slot.in-service", "slot", 2, "ms", 2000)
                .at(30).rec("card.removed", "slot", 12, "improper", true, "state", "ACTIVE")
                .rec("slot.state", "slot", 12, "from", "ACTIVE", "to", "EMPTY")
                .at(40).stop()
                // Restart: the card in slot 2 is found again (not an insertion); slot 12 got a card while had was away.
                .run(100, 5).start()
                .rec("card.inserted", "slot", 2).rec("slot.state", "slot", 2, "from", "EMPTY", "to", "ACTIVE")
                .rec("card.inserted", "slot", 12).rec("slot.state", "slot", 12, "from", "EMPTY", "to", "ACTIVE")
                .at(101).resync(2).rec("slot.in-service", "slot", 2, "ms", 5).rec("slot.in-service", "slot", 12, "ms", 5)
                .at(110).stop();
        Availability.Result r = report(log, null, null);
        Availability.SlotReport s2 = r.slots().get(0), s12 = r.slots().get(1);
        assertEquals(2, s2.slot());
        assertEquals(2, s2.insertions());
        assertEquals(1, s2.plannedExtractions());
        assertEquals(0, s2.surpriseRemovals());
        assertEquals(1, s2.repairs());
        assertEquals(12 * S, s2.repairNanos(), "out of service from 10 s (extraction accepted) to 22 s");
        assertEquals(12, s12.slot());
        assertEquals(2, s12.insertions());
        assertEquals(1, s12.surpriseRemovals());
        assertEquals(1, s12.repairs());
        assertEquals(71 * S, s12.repairNanos(), "yanked at 30 s, in service again at 101 s");
    }

    @Test
    void theCommandLineFormatsAndTimes() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start().at(1).bond("bond0", true, 2, 2).at(5).bond("bond0", false, 0, 2)
                .at(6).bond("bond0", true, 2, 2).at(10).stop();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        ReportCommand cmd = new ReportCommand(() -> at(10));
        assertEquals(0, cmd.run(new String[] {log.toString()}, ps, ps));
        String text = o.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("bond0        bond"), text);
        assertTrue(text.contains("outage of bond0 at 2026-03-01 00:00:05.000Z for 1.0 s"), text);
        o.reset();
        assertEquals(0, cmd.run(new String[] {"--format", "json", "--since", "-9s", log.toString()}, ps, ps));
        var json = had.json.Json.parseObject(o.toString(StandardCharsets.UTF_8).trim());
        assertEquals("2026-03-01T00:00:01Z", json.get("from"));
        var b = (java.util.Map<?, ?>) ((List<?>) json.get("services")).get(0);
        assertEquals(1.0, ((Number) b.get("down_s")).doubleValue(), 1e-9);
        assertEquals(2, cmd.run(new String[] {"--format", "pdf", log.toString()}, ps, ps));
        assertEquals(2, cmd.run(new String[] {"--since", "yesterday", log.toString()}, ps, ps));
        assertEquals(2, cmd.run(new String[] {dir.resolve("none.log").toString()}, ps, ps));
    }

    @Test
    void theLightReaderAgreesWithTheFullParse() throws Exception {
        Path log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start().at(1).heartbeat().bond("bond0", true, 2, 2)
                .rec("net.change", "action", "bring eth0 up", "ifname", "eth0").at(2).stop();
        int light = 0;
        for (String line : java.nio.file.Files.readAllLines(log)) {
            var full = had.json.Json.parseObject(line);
            var m = ReportCommand.light(line);
            if (Availability.FIELDS_USED.contains(full.get("type"))) {
                assertEquals(null, m, line);
                continue;
            }
            light++;
            for (String k : m.keySet()) assertEquals(full.get(k), m.get(k), k + " of " + line);
            assertTrue(m.keySet().containsAll(List.of("type", "time", "mono", "run", "seq", "v", "prev", "hash")), m.toString());
        }
        assertEquals(4, light);
        assertEquals(null, ReportCommand.light("{\"type\":\"x\"}"));
    }

    @Test
    void timesParse() {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");
        assertEquals(Instant.parse("2026-11-21T12:00:00Z"), ReportCommand.parseTime("-24h", now));
        assertEquals(Instant.parse("2026-11-15T12:00:00Z"), ReportCommand.parseTime("-7d", now));
        assertEquals(Instant.parse("2026-11-08T12:00:00Z"), ReportCommand.parseTime("-2w", now));
        assertEquals(Instant.parse("2026-11-22T11:30:00Z"), ReportCommand.parseTime("-30m", now));
        assertEquals(Instant.parse("2026-11-22T11:59:30Z"), ReportCommand.parseTime("-30s", now));
        assertEquals(now, ReportCommand.parseTime("now", now));
        assertEquals(Instant.parse("2026-11-20T00:00:00Z"), ReportCommand.parseTime("2026-11-20", now));
        assertEquals(Instant.parse("2026-11-20T03:04:00Z"), ReportCommand.parseTime("2026-11-20T03:04", now));
        assertEquals(Instant.parse("2026-11-20T02:04:05Z"), ReportCommand.parseTime("2026-11-20T03:04:05+01:00", now));
        assertEquals(Instant.parse("2026-11-20T03:04:05.5Z"), ReportCommand.parseTime("2026-11-20T03:04:05.5Z", now));
    }
}
