package had.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditLog;
import had.audit.LogScript;
import had.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hadctl report --fleet: every chassis' chain verified as it is read, a broken one named and
 * left out of every figure, the fleet's figures the sums of what the single-chassis report says
 * of each verified chassis, the longest outages first.
 */
class FleetReportTest {
    @TempDir
    Path dir;

    private Path chassis(String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        return d.resolve("audit.log");
    }

    /** A chassis whose bond0 is down from second 10 for {@code downSeconds}, over 100 s. */
    private Path chassisWithOutage(String name, double downSeconds, AuditLog.Settings settings) throws Exception {
        Path log = chassis(name);
        LogScript s = settings == null ? new LogScript(log) : new LogScript(log, settings);
        s.run(0, 1000).start().bond("bond0", true, 2, 2);
        for (int t = 1; t < 100; t++) {
            s.at(t).heartbeat();
            if (t == 10 && downSeconds > 0) s.bond("bond0", false, 0, 2);
            if (downSeconds > 0 && t == 10 + (int) downSeconds) s.bond("bond0", true, 2, 2);
        }
        s.at(100).stop();
        return log;
    }

    private record Run(int status, String out, String err) {}

    private Run report(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int status = new ReportCommand(() -> Instant.parse("2026-03-02T00:00:00Z")).run(args,
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theFleetIsTheSumOfItsVerifiedChassisAndABrokenChainIsNamedNotCounted() throws Exception {
        chassisWithOutage("c-01", 2, null);
        chassisWithOutage("c-02", 0, null);
        // c-03's log rotates every few records: its chain runs through many files.
        chassisWithOutage("c-03", 5, new AuditLog.Settings(4096, 1000, 0));
        assertTrue(Files.list(dir.resolve("c-03")).count() > 3, "c-03 rotated");
        // c-04 lost 30 s to an outage, and then its log was altered: a heartbeat (a record the
        // report reads lightly) had its time changed.
        Path altered = chassisWithOutage("c-04", 30, null);
        List<String> lines = Files.readAllLines(altered);
        int hb = 0;
        while (!lines.get(hb).contains("daemon.heartbeat")) hb++;
        lines.set(hb, lines.get(hb).replace("\"interval_ms\":60000", "\"interval_ms\":6000"));
        Files.write(altered, lines);

        Run r = report("--fleet", dir.toString(), "--format", "json");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("c-04 is not counted: chain broken at " + altered + ":" + (hb + 1) + " (seq " + (hb + 1)
                + "): hash does not match the record's contents"), r.err());
        Map<String, Object> j = Json.parseObject(r.out().trim());
        assertEquals(4L, j.get("chassis_count"));
        assertEquals(1L, j.get("unverified_count"));

        // The fleet's downtime and outages are those the single-chassis report gives c-01..c-03.
        double down = 0;
        long outages = 0;
        for (String c : List.of("c-01", "c-02", "c-03")) {
            Availability.Result one = ReportCommand.compute(had.audit.AuditFiles.discover(dir.resolve(c).resolve("audit.log")).files(),
                    null, null, 0, new PrintStream(new ByteArrayOutputStream()));
            for (Availability.ServiceReport s : one.services()) {
                down += (s.downNanos() + s.unknownNanos()) / 1e9;
                outages += s.outageCount();
            }
        }
        Map<?, ?> fleet = (Map<?, ?>) j.get("fleet");
        assertEquals(down, ((Number) fleet.get("down_s")).doubleValue() + ((Number) fleet.get("unknown_s")).doubleValue(), 1e-6);
        assertEquals(7.0, down, 1e-6);
        assertEquals(outages, fleet.get("outage_count"));
        assertEquals(2L, outages);

        // Worst first: c-03's 5 s outage, then c-01's 2 s; the chassis list starts with the unverified one.
        List<?> worst = (List<?>) j.get("worst_outages");
        assertEquals("c-03", ((Map<?, ?>) worst.get(0)).get("chassis"));
        assertEquals(5.0, ((Number) ((Map<?, ?>) worst.get(0)).get("duration_s")).doubleValue(), 1e-6);
        assertEquals("c-01", ((Map<?, ?>) worst.get(1)).get("chassis"));
        List<?> chassis = (List<?>) j.get("chassis");
        assertEquals("c-04", ((Map<?, ?>) chassis.get(0)).get("chassis"));
        assertEquals(false, ((Map<?, ?>) chassis.get(0)).get("verified"));
        assertEquals("c-03", ((Map<?, ?>) chassis.get(1)).get("chassis"));

        Run text = report("--fleet", dir.toString());
        assertTrue(text.out().contains("4 chassis, 3 verified, 1 UNVERIFIED (not counted)"), text.out());
        assertTrue(text.out().contains("  c-04: chain broken at "), text.out());
        Run html = report("--fleet", dir.toString(), "--format", "html");
        assertTrue(html.out().contains("<b>1 unverified</b>"), html.out());
        assertTrue(html.out().contains("<td>c-04</td><td>chain broken at "), html.out());
    }

    @Test
    void aWholeFleetExitsZeroAndAMissingLogIsNamed() throws Exception {
        chassisWithOutage("a", 0, null);
        assertEquals(0, report("--fleet", dir.toString()).status());
        Files.createDirectories(dir.resolve("b"));
        Run r = report("--fleet", dir.toString());
        assertEquals(1, r.status());
        assertTrue(r.out().contains("  b: no audit log: " + dir.resolve("b").resolve("audit.log") + " is missing"), r.out());
        assertEquals(2, report("--fleet", dir.resolve("none").toString()).status());
        assertEquals(2, report("--fleet", dir.toString(), dir.resolve("a/audit.log").toString()).status());
    }
}
