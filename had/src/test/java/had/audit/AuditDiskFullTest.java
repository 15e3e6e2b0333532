package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.os.FileModes;
import had.report.Availability;
import had.report.ReportCommand;
import had.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log on a file system that fills up (a channel that cuts writes short and refuses them as
 * ENOSPC does): nothing torn is left in the file, nothing recorded is lost while memory holds it,
 * what memory could not hold is counted by an audit.lost record, and the chain stays whole.
 */
class AuditDiskFullTest {
    static final AuditLog.Settings NO_RESERVE = AuditLog.Settings.DEFAULT.withSpace(AuditLog.Settings.DEFAULT_HOLD_BYTES, 0);

    @TempDir
    Path dir;

    final CountingChannel.Counts disk = new CountingChannel.Counts();
    final ManualClock clock = new ManualClock();

    AuditLog open(AuditLog.Settings settings) {
        return new AuditLog(dir.resolve("audit.log"), clock, settings, disk.opener(), new FileModes(null));
    }

    static AuditEvent link(int i) {
        return AuditEvent.of("port.link").with("slot", 2).with("port", i % 2).with("ifname", "eth" + i).with("carrier", true).build();
    }

    /** The file as every reader takes it apart. */
    List<AuditLines.Entry> entries() throws Exception {
        List<AuditLines.Entry> out = new ArrayList<>();
        AuditLines.read(dir.resolve("audit.log"), AuditLines.Parser.FULL, e -> out.add(e));
        return out;
    }

    List<Object> ifnames() throws Exception {
        List<Object> out = new ArrayList<>();
        for (AuditLines.Entry e : entries()) {
            assertInstanceOf(AuditLines.Record.class, e, "only whole records in the file: " + e);
            out.add(((AuditLines.Record) e).fields().getOrDefault("ifname", ((AuditLines.Record) e).fields().get("type")));
        }
        return out;
    }

    String verify() {
        StringBuilder out = new StringBuilder();
        int rc = AuditLogTest.verify(List.of(dir.resolve("audit.log")), out);
        return rc + " " + out;
    }

    @Test
    void aWriteTheDiskCutShortIsCutBackAndItsRecordsAreWrittenInOrderOnceItTakesThem() throws Exception {
        try (AuditLog log = open(NO_RESERVE)) {
            log.record(link(1));
            assertEquals(Commit.DURABLE, log.commit());
            disk.fill(100);
            log.record(link(2));
            log.record(link(3));
            Commit c = log.commit();
            assertEquals(new Commit.Held(2, "No space left on device"), c);
            assertEquals(1, disk.cutShort.get(), "the disk took part of the group");
            assertEquals(List.of("eth1"), ifnames(), "the part it took was cut back");
            AuditLog.Health h = log.health();
            assertEquals(AuditLog.Health.State.BEHIND, h.state());
            assertEquals(2, h.heldRecords());
            assertEquals("No space left on device", h.reason());
            assertEquals(clock.wallTime(), h.since());

            log.record(link(4));
            int refused = disk.refused.get();
            assertEquals(new Commit.Held(3, "No space left on device"), log.commit());
            assertEquals(refused, disk.refused.get(), "not tried again within the retry interval");
            clock.advanceMillis(1000);
            assertInstanceOf(Commit.Held.class, log.commit());
            assertEquals(refused + 1, disk.refused.get(), "tried again once the interval is over");
            assertEquals(List.of("eth1"), ifnames());

            disk.capacity = Long.MAX_VALUE;
            clock.advanceMillis(1000);
            assertEquals(Commit.DURABLE, log.commit());
            assertEquals(List.of("eth1", "eth2", "eth3", "eth4"), ifnames());
            assertEquals(AuditLog.Health.State.WRITING, log.health().state());
            assertEquals(0, log.health().heldRecords());
            log.record(link(5));
            log.commit();
        }
        assertEquals(List.of("eth1", "eth2", "eth3", "eth4", "eth5"), ifnames());
        String v = verify();
        assertTrue(v.startsWith("0 ") && !v.contains("torn"), v);
    }

    @Test
    void recordsWrittenAheadThatTheFsyncThenFailsOnAreCutBackWithTheRestAndWrittenAgainInOrder() throws Exception {
        try (AuditLog log = open(NO_RESERVE)) {
            log.record(link(1));
            log.commit();
            log.record(link(2));
            log.writeAhead();
            assertEquals(List.of("eth1", "eth2"), ifnames(), "written ahead of the action");
            log.record(link(3));
            disk.failNextForce = true;
            assertEquals(new Commit.Held(2, "Input/output error"), log.commit());
            assertEquals(List.of("eth1"), ifnames(), "cut back to the last durable record");
            clock.advanceMillis(1000);
            log.record(link(4));
            assertEquals(Commit.DURABLE, log.commit());
        }
        assertEquals(List.of("eth1", "eth2", "eth3", "eth4"), ifnames());
        assertTrue(verify().startsWith("0 "), verify());
    }

    @Test
    void aWriteAheadTheDiskRefusesIsHeldAndHadActsAllTheSame() throws Exception {
        try (AuditLog log = open(NO_RESERVE)) {
            log.record(link(1));
            log.commit();
            disk.fill(0);
            log.record(link(2));
            log.writeAhead(); // no exception: the action goes on
            assertEquals(List.of("eth1"), ifnames());
            assertEquals(AuditLog.Health.State.BEHIND, log.health().state());
            assertEquals(1, log.health().heldRecords());
            disk.capacity = Long.MAX_VALUE;
            clock.advanceMillis(1000);
            assertEquals(Commit.DURABLE, log.commit());
        }
        assertEquals(List.of("eth1", "eth2"), ifnames());
        assertTrue(verify().startsWith("0 "), verify());
    }

    @Test
    void aFailedFsyncIsCutBackAndHeldToo() throws Exception {
        try (AuditLog log = open(NO_RESERVE)) {
            log.record(link(1));
            log.commit();
            log.record(link(2));
            disk.failNextForce = true;
            assertEquals(new Commit.Held(1, "Input/output error"), log.commit());
            assertEquals(List.of("eth1"), ifnames());
            clock.advanceMillis(1000);
            log.record(link(3));
            assertEquals(Commit.DURABLE, log.commit());
        }
        assertEquals(List.of("eth1", "eth2", "eth3"), ifnames());
        assertTrue(verify().startsWith("0 "), verify());
    }

    @Test
    void whatMemoryCannotHoldIsCountedByAnAuditLostRecordChainedWhereItWasLost() throws Exception {
        AuditLog.Settings small = NO_RESERVE.withSpace(4096, 0);
        List<String> lostTimes = new ArrayList<>();
        try (AuditLog log = open(small)) {
            log.record(link(0));
            log.commit();
            disk.fill(0);
            int i = 1;
            while (log.health().lostRecords() == 0) {
                assertTrue(i < 1000, "records are lost once the memory for them is full");
                clock.advanceMillis(100);
                log.record(link(i++));
                log.commit();
            }
            int firstLost = i - 1;
            lostTimes.add(clock.wallTime().toString());
            for (int k = 0; k < 5; k++) {
                clock.advanceMillis(100);
                log.record(link(i++));
                log.commit();
            }
            lostTimes.add(clock.wallTime().toString());
            AuditLog.Health h = log.health();
            assertEquals(AuditLog.Health.State.BEHIND, h.state());
            assertEquals(6, h.lostRecords());
            assertTrue(h.heldBytes() <= 4096 + 400, "memory stays bounded: " + h.heldBytes());
            assertEquals(firstLost - 1, h.heldRecords());

            disk.capacity = Long.MAX_VALUE;
            clock.advanceMillis(1000);
            assertEquals(new Commit.Resumed(6), log.commit(), "written, with a record of what was lost");
            assertEquals(Commit.DURABLE, log.commit());
            log.record(link(99));
            assertEquals(Commit.DURABLE, log.commit(), "the lost records are told once");
        }
        List<Map<String, Object>> recs = new ArrayList<>();
        for (AuditLines.Entry e : entries()) recs.add(((AuditLines.Record) e).fields());
        Map<String, Object> gap = recs.get(recs.size() - 2);
        assertEquals("audit.lost", gap.get("type"));
        assertEquals(6L, gap.get("records"));
        assertEquals(lostTimes.get(0), gap.get("from"));
        assertEquals(lostTimes.get(1), gap.get("to"));
        assertEquals("No space left on device", gap.get("reason"));
        assertEquals("eth99", recs.get(recs.size() - 1).get("ifname"));
        String v = verify();
        assertTrue(v.startsWith("0 ") && !v.contains("torn"), v);
        Availability.Result r = ReportCommand.compute(List.of(dir.resolve("audit.log")), null, null, 0,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(List.of(new Availability.Lost(java.time.Instant.parse(lostTimes.get(0)),
                java.time.Instant.parse(lostTimes.get(1)), 6)), r.lost());
    }

    @Test
    void theReserveIsGivenToTheLogWhenTheDiskFillsAndSetAsideAgainOnceThereIsRoom() throws Exception {
        Path reserve = dir.resolve("audit.log.reserve");
        try (AuditLog log = open(NO_RESERVE.withSpace(1 << 20, 8192))) {
            assertEquals(8192, Files.size(reserve));
            assertEquals(AuditLog.Health.State.WRITING, log.health().state());
            assertEquals(8192, log.health().reserveBytes());
            disk.fill(0);
            log.record(link(1));
            assertEquals(Commit.DURABLE, log.commit(), "written into the reserve's room");
            assertFalse(Files.exists(reserve));
            AuditLog.Health h = log.health();
            assertEquals(AuditLog.Health.State.NO_RESERVE, h.state());
            assertTrue(h.reason().contains("No space left on device"), h.reason());
            int written = 1;
            Commit c;
            do {
                assertTrue(written < 1000, "the reserve's room runs out");
                log.record(link(++written));
                c = log.commit();
            } while (c instanceof Commit.Durable);
            assertTrue(written > 20, "the reserve's 8 KiB took " + written + " records");
            assertEquals(AuditLog.Health.State.BEHIND, log.health().state());

            disk.capacity = Long.MAX_VALUE;
            clock.advanceMillis(1000);
            assertEquals(Commit.DURABLE, log.commit());
            assertEquals(8192, Files.size(reserve), "set aside again");
            assertEquals(AuditLog.Health.State.WRITING, log.health().state());
            assertNull(log.health().reason());
        }
        assertTrue(verify().startsWith("0 "), verify());
        open(NO_RESERVE).close();
        assertFalse(Files.exists(reserve), "a reserve no longer wanted is given back");
    }

    @Test
    void aFullDiskAtStartDoesNotStopHadAndATornTailIsSetAsideOnceItHasRoom() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(NO_RESERVE)) {
            log.record(link(1));
        }
        Files.writeString(file, "{\"v\":1,\"seq\":2,\"ti", StandardOpenOption.APPEND);
        disk.files.add(file);
        disk.fill(0);
        try (AuditLog log = open(NO_RESERVE)) {
            assertEquals(AuditLog.Health.State.BEHIND, log.health().state());
            log.record(link(2));
            disk.capacity = Long.MAX_VALUE;
            clock.advanceMillis(1000);
            assertEquals(Commit.DURABLE, log.commit());
        }
        assertEquals(List.of("eth1", "audit.torn-tail", "eth2"), ifnames());
        String v = verify();
        assertTrue(v.startsWith("0 ") && v.contains("a torn record kept aside at seq 2"), v);
    }

    @Test
    void recordsTheDiskNeverTookAreToldAtCloseAndNothingIsThrown() throws Exception {
        AuditLog log = open(NO_RESERVE);
        log.record(link(1));
        log.commit();
        disk.fill(0);
        log.record(link(2));
        log.close();
        assertEquals(List.of("eth1"), ifnames());
        disk.capacity = Long.MAX_VALUE;
        try (AuditLog again = open(NO_RESERVE)) {
            again.record(link(3));
        }
        assertTrue(verify().startsWith("0 "), verify());
    }
}
