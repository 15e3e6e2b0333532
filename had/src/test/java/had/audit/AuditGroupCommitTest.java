package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records are durable in groups: one write and one fsync per commit, nothing reported before it. */
class AuditGroupCommitTest {
    @TempDir
    Path dir;

    final CountingChannel.Counts counts = new CountingChannel.Counts();

    AuditLog open(AuditLog.Settings settings) {
        return new AuditLog(dir.resolve("audit.log"), Clock.SYSTEM, settings, counts.opener());
    }

    static AuditEvent link(int i) {
        return AuditEvent.of("port.link").with("slot", 2).with("port", i % 2).with("ifname", "eth" + i).with("carrier", true).build();
    }

    long lines() throws Exception {
        return Files.readAllLines(dir.resolve("audit.log")).size();
    }

    @Test
    void aCommitForcesEveryRecordOfItsGroupToDiskWithOneFsync() throws Exception {
        try (AuditLog log = open(AuditLog.Settings.DEFAULT)) {
            int before = counts.forces.get();
            for (int i = 0; i < 5; i++) log.record(link(i));
            assertEquals(before, counts.forces.get(), "recording alone forces nothing");
            log.commit();
            assertEquals(before + 1, counts.forces.get(), "one fsync for the group");
            assertEquals(0, counts.unforced.get(), "every byte written is forced");
            assertEquals(5, lines());
            log.commit();
            assertEquals(before + 1, counts.forces.get(), "nothing to write: no fsync");
        }
    }

    @Test
    void followersSeeARecordOnlyOnceItIsDurable() {
        List<Map<String, Object>> seen = new ArrayList<>();
        try (AuditLog log = open(AuditLog.Settings.DEFAULT)) {
            log.follow(seen::add);
            log.record(link(1));
            assertEquals(List.of(), seen);
            log.commit();
            assertEquals(1, seen.size());
            assertEquals(0, counts.unforced.get());
        }
    }

    @Test
    void writtenAheadTheRecordsAreInTheFileUnforcedAndTheNextCommitForcesThemOnce() throws Exception {
        List<Map<String, Object>> seen = new ArrayList<>();
        try (AuditLog log = open(AuditLog.Settings.DEFAULT)) {
            log.follow(seen::add);
            int before = counts.forces.get();
            log.record(link(1));
            log.record(link(2));
            log.writeAhead();
            assertEquals(2, lines(), "in the file before the action: they outlive had");
            assertEquals(before, counts.forces.get(), "no fsync on the action's way");
            assertTrue(counts.unforced.get() > 0);
            assertEquals(List.of(), seen, "followers see durable records only");
            log.record(link(3));
            log.writeAhead();
            assertEquals(3, lines(), "each record written once, in order");
            log.commit();
            assertEquals(before + 1, counts.forces.get(), "one fsync for everything written ahead");
            assertEquals(0, counts.unforced.get());
            assertEquals(3, seen.size());
            assertEquals(3, lines(), "nothing written twice");
        }
        StringBuilder out = new StringBuilder();
        assertEquals(0, AuditLogTest.verify(List.of(dir.resolve("audit.log")), out), out.toString());
    }

    @Test
    void closingCommitsWhatIsLeft() throws Exception {
        AuditLog log = open(AuditLog.Settings.DEFAULT);
        log.record(link(1));
        log.close();
        assertEquals(1, lines());
        assertEquals(0, counts.unforced.get());
    }

    @Test
    void aGroupThatCrossesARotationKeepsTheChainWhole() throws Exception {
        try (AuditLog log = open(new AuditLog.Settings(4096, 0, 0))) {
            for (int i = 0; i < 120; i++) {
                log.record(link(i));
                if (i % 7 == 6) {
                    log.commit();
                    assertEquals(0, counts.unforced.get());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        assertTrue(AuditFiles.rotatedSiblings(dir.resolve("audit.log")).size() >= 3);
        assertEquals(0, AuditLogTest.verify(List.of(dir.resolve("audit.log")), out), out.toString());
    }
}
