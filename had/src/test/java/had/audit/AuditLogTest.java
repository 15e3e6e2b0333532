package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    static final AuditLog.Settings SMALL = new AuditLog.Settings(4096, 0, 0);

    @TempDir
    Path dir;

    static int verify(List<Path> files, StringBuilder output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new AuditVerify().run(files, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        output.append(out.toString(StandardCharsets.UTF_8));
        return rc;
    }

    static void fill(LogScript s, int n) {
        for (int i = 0; i < n; i++) {
            s.at(i).rec("port.link", "slot", 2, "port", i % 2, "ifname", "eth" + (i % 2), "carrier", i % 3 != 0);
        }
    }

    @Test
    void rotationCarriesTheChainAcrossFiles() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log, SMALL).run(0, 100).start();
        fill(s, 120);
        s.stop();
        AuditFiles.LogSet set = AuditFiles.discover(log);
        assertTrue(set.files().size() >= 4, "several files: " + set.files());
        assertEquals(log, set.files().get(set.files().size() - 1));
        assertEquals(null, set.missing());
        for (Path f : set.files()) assertTrue(Files.size(f) <= 4096, f + " is " + Files.size(f) + " bytes");
        // Each file after the first begins with audit.rotated naming the one before it, its last seq and hash.
        for (int i = 1; i < set.files().size(); i++) {
            Map<String, Object> first = AuditFiles.firstRecord(set.files().get(i));
            Path before = set.files().get(i - 1);
            Map<String, Object> last = had.json.Json.parseObject(AuditFiles.lastWholeLine(before));
            assertEquals("audit.rotated", first.get("type"));
            assertEquals(before.getFileName().toString(), first.get("previous"));
            assertEquals(last.get("seq"), first.get("previous_last_seq"));
            assertEquals(last.get("hash"), first.get("previous_last_hash"));
            assertEquals(last.get("hash"), first.get("prev"));
            assertEquals(((Number) last.get("seq")).longValue() + 1, ((Number) first.get("seq")).longValue());
        }
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), out.toString());
        assertTrue(out.toString().contains("intact: "), out.toString());
    }

    @Test
    void keepsOnlyTheNewestRotatedFilesAndRecordsWhatItPruned() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log, new AuditLog.Settings(4096, 2, 0)).run(0, 100).start();
        fill(s, 150);
        s.stop();
        assertEquals(2, AuditFiles.rotatedSiblings(log).size());
        List<String> pruned = new ArrayList<>();
        AuditReader.read(AuditReader.logSet(log), r -> {
            if ("audit.pruned".equals(r.get("type"))) pruned.add((String) r.get("file"));
        });
        assertFalse(pruned.isEmpty());
        AuditFiles.LogSet set = AuditFiles.discover(log);
        assertNotNull(set.missing());
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), "a pruned predecessor is not a break: " + out);
        assertTrue(out.toString().contains("begins after " + set.missing()), out.toString());
    }

    @Test
    void aSecondWriterIsRefusedWithThePidOfTheFirst() {
        Path log = dir.resolve("audit.log");
        try (AuditLog first = new AuditLog(log, had.time.Clock.SYSTEM)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AuditLog(log, had.time.Clock.SYSTEM));
            assertTrue(e.getMessage().contains("audit log " + log + " is in use by pid " + ProcessHandle.current().pid()),
                    e.getMessage());
            first.record(AuditEvent.of("test.after").build());
        }
        // Once the first closes, the lock is free again.
        try (AuditLog again = new AuditLog(log, had.time.Clock.SYSTEM)) {
            again.record(AuditEvent.of("test.again").build());
        }
    }

    @Test
    void aSecondProcessIsRefusedToo() throws Exception {
        Path log = dir.resolve("audit.log");
        try (AuditLog first = new AuditLog(log, had.time.Clock.SYSTEM)) {
            first.record(AuditEvent.of("test.first").build());
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), SecondWriter.class.getName(), log.toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("is in use by pid " + ProcessHandle.current().pid()), out);
        }
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), out.toString());
    }

    /** Run in a child JVM by the test above. */
    public static final class SecondWriter {
        public static void main(String[] args) {
            try (AuditLog l = new AuditLog(Path.of(args[0]), had.time.Clock.SYSTEM)) {
                l.record(AuditEvent.of("test.second").build());
                System.exit(0);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void aTornLastLineIsKeptAsideRecordedAndTheChainGoesOn() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log).run(0, 100).start();
        fill(s, 5);
        s.crash();
        Files.writeString(log, "{\"v\":1,\"seq\":7,\"time\":\"2026-03-01T00:00:0", StandardOpenOption.APPEND);
        StringBuilder before = new StringBuilder();
        assertEquals(0, verify(List.of(log), before), "a torn record is not part of the chain: " + before);
        assertTrue(before.toString().contains(log + ":7: a torn record at the end of the file (had stopped, or its disk"
                + " refused the write, while writing it): not part of the chain; had sets it aside at its next start"),
                before.toString());

        s.run(100, 5).start().stop();
        List<Map<String, Object>> recs = new ArrayList<>();
        AuditReader.read(log, recs::add);
        Map<String, Object> torn = recs.stream().filter(r -> "audit.torn-tail".equals(r.get("type"))).findFirst().orElseThrow();
        assertEquals(7L, ((Number) torn.get("seq")).longValue(), "the chain goes on after the last whole record");
        Path side = dir.resolve((String) torn.get("kept_as"));
        assertEquals("{\"v\":1,\"seq\":7,\"time\":\"2026-03-01T00:00:0", Files.readString(side));
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), out.toString());
        assertTrue(out.toString().contains(side + ": a torn record kept aside at seq 7"), out.toString());

        Files.delete(side);
        out.setLength(0);
        assertEquals(1, verify(List.of(log), out));
        assertTrue(out.toString().contains(log + ":7 (seq 7): the torn record it kept aside, " + side.getFileName()
                + ", is missing"), out.toString());
    }

    @Test
    void stoppedBetweenRenamingAndBeginningTheNewFileGoesOnFromTheRotatedOne() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log).run(0, 100).start();
        fill(s, 5);
        s.crash();
        Path rotated = dir.resolve("audit.log.20260301T000005.000Z");
        Files.move(log, rotated);
        s.run(50, 3).start().stop();
        Map<String, Object> first = AuditFiles.firstRecord(log);
        assertEquals("audit.rotated", first.get("type"));
        assertEquals(rotated.getFileName().toString(), first.get("previous"));
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), out.toString());
    }

    @Test
    void startUpReadsOnlyTheEndOfALargeLog() throws Exception {
        Path log = dir.resolve("audit.log");
        LogScript s = new LogScript(log).run(0, 100).start();
        fill(s, 1000);
        s.crash();
        long t0 = System.nanoTime();
        s.run(5000, 1).start();
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        s.stop();
        StringBuilder out = new StringBuilder();
        assertEquals(0, verify(List.of(log), out), out.toString());
        assertTrue(out.toString().contains("seq 1..1003"), out.toString());
    }
}
