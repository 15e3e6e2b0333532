package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering is caught at the exact record, named as FILE:LINE (seq N). */
class AuditVerifyTest {
    @TempDir
    Path dir;
    Path log;

    @BeforeEach
    void write() {
        log = dir.resolve("audit.log");
        LogScript s = new LogScript(log).run(0, 100).start();
        for (int i = 1; i <= 18; i++) s.at(i).bond("bond0", i % 4 != 0, 2, 2);
        s.stop(); // 20 records: seq n on line n
    }

    String out;

    int verify(Path... files) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        int rc = new AuditVerify().run(List.of(files), ps, ps);
        out = o.toString(StandardCharsets.UTF_8);
        return rc;
    }

    List<String> lines(Path f) throws Exception {
        return new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
    }

    void write(Path f, List<String> lines) throws Exception {
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** hadctl runs with had's own classes only (bin/hadctl): verify and report need nothing else. */
    @Test
    void hadctlVerifiesAndReportsWithHadsOwnClassesOnly() throws Exception {
        for (String cmd : new String[] {"audit verify", "report"}) {
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", Path.of("target/classes").toAbsolutePath().toString(), "had.ctl.HadCtl"));
            argv.addAll(List.of(cmd.split(" ")));
            argv.add(log.toString());
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String got = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), cmd + ": " + got);
        }
    }

    @Test
    void anIntactLogPasses() {
        assertEquals(0, verify(log), out);
        assertTrue(out.contains("intact: 20 record(s) in 1 file(s), seq 1..20"), out);
    }

    @Test
    void aFlippedByteIsCaughtAtItsRecord() throws Exception {
        byte[] b = Files.readAllBytes(log);
        List<String> l = lines(log);
        int offset = 0;
        for (int i = 0; i < 6; i++) offset += l.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        int at = offset + l.get(6).indexOf("\"up\":") + 6; // line 7, inside the value of "up"
        b[at] ^= 0x01;
        Files.write(log, b);
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":7"), out);
        assertTrue(out.contains("line") || out.contains("not a JSON record") || out.contains("hash does not match"), out);
    }

    @Test
    void aFlippedByteInsideAStringValueIsAHashMismatch() throws Exception {
        List<String> l = lines(log);
        l.set(9, l.get(9).replace("\"service\":\"bond0\"", "\"service\":\"bond1\""));
        write(log, l);
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":10 (seq 10): hash does not match the record's contents"), out);
    }

    /** A forged record's fields are quoted escaped: what verify prints does not drive the terminal. */
    @Test
    void aForgedFieldIsPrintedEscaped() throws Exception {
        List<String> l = lines(log);
        l.set(2, l.get(2).replaceFirst("\\{\"v\":1,", "{\"v\":\"\\\\u001b[2J\","));
        write(log, l);
        assertEquals(1, verify(log));
        assertTrue(out.contains("schema version \\x1b[2J is not one"), out);
        assertFalse(out.contains("\u001b"), "an escape character reached the terminal");
    }

    @Test
    void aDeletedLineIsCaughtAtTheRecordAfterIt() throws Exception {
        List<String> l = lines(log);
        l.remove(4);
        write(log, l);
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":5 (seq 6): seq 6 follows seq 4 (expected 5)"), out);
    }

    @Test
    void twoSwappedRecordsAreCaughtAtTheFirst() throws Exception {
        List<String> l = lines(log);
        String a = l.get(7);
        l.set(7, l.get(8));
        l.set(8, a);
        write(log, l);
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":8 (seq 9): seq 9 follows seq 7"), out);
    }

    @Test
    void aRecordRewrittenWithAFreshHashBreaksTheNextLink() throws Exception {
        List<String> l = lines(log);
        var rec = had.json.Json.parseObject(l.get(11));
        rec.remove("hash");
        rec.put("up", !(Boolean) rec.get("up"));
        var prev = rec.remove("prev");
        rec.put("prev", prev);
        l.set(11, AuditChain.seal(rec).line().strip());
        write(log, l);
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":13 (seq 13): prev is not the hash of the record before it"), out);
    }

    @Test
    void aFileCutInsideARecordSaysWhereItsTornRecordIs() throws Exception {
        byte[] b = Files.readAllBytes(log);
        List<String> l = lines(log);
        int offset = 0;
        for (int i = 0; i < 11; i++) offset += l.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        Files.write(log, java.util.Arrays.copyOf(b, offset + 40));
        // Records cut from the end of a log leave no break in the chain; what is left says where it ends.
        assertEquals(0, verify(log), out);
        assertTrue(out.contains("note: " + log + ":12: a torn record at the end of the file"), out);
        assertTrue(out.contains("intact: 11 record(s) in 1 file(s), seq 1..11"), out);
    }

    @Test
    void aLogMissingItsFirstRecordsIsCaught() throws Exception {
        List<String> l = lines(log);
        write(log, l.subList(3, l.size()));
        assertEquals(1, verify(log));
        assertTrue(out.contains(log + ":1 (seq 4): the log's first record must be seq 1"), out);
    }

    /** A log in five files of about 1 KiB: audit.log.<t1> .. audit.log.<t4>, audit.log. */
    List<Path> rotated() {
        Path r = dir.resolve("r");
        Path live = r.resolve("audit.log");
        LogScript s = new LogScript(live, new AuditLog.Settings(4096, 0, 0)).run(0, 100).start();
        for (int i = 1; i <= 60; i++) s.at(i).bond("bond0", i % 4 != 0, 2, 2);
        s.stop();
        return AuditFiles.discover(live).files();
    }

    @Test
    void aRotatedLogVerifiesAsOneChain() {
        List<Path> files = rotated();
        assertTrue(files.size() >= 4, files.toString());
        assertEquals(0, verify(files.get(files.size() - 1)), out);
        assertEquals(0, verify(files.toArray(Path[]::new)), out);
    }

    @Test
    void aMissingRotatedFileIsCaught() throws Exception {
        List<Path> files = rotated();
        Path gone = files.get(1);
        Files.delete(gone);
        assertEquals(1, verify(files.get(files.size() - 1)));
        assertTrue(out.contains(files.get(2) + ":1 (seq "), out);
        assertTrue(out.contains("the file before it, " + gone.getFileName() + ", is missing"), out);
        assertTrue(out.contains("older files no longer linked: " + files.get(0).getFileName()), out);
        // Named explicitly, the gap between the files given is caught the same way.
        List<Path> given = new ArrayList<>(files);
        given.remove(1);
        assertEquals(1, verify(given.toArray(Path[]::new)));
        assertTrue(out.contains(files.get(2) + ":1 (seq "), out);
        assertTrue(out.contains("links to " + gone.getFileName() + " but the file before it is " + files.get(0).getFileName()), out);
    }

    @Test
    void theOldestRotatedFileMissingWithoutAPruneRecordIsCaught() throws Exception {
        List<Path> files = rotated();
        Files.delete(files.get(0));
        assertEquals(1, verify(files.get(files.size() - 1)));
        assertTrue(out.contains(files.get(1) + ":1 (seq "), out);
        assertTrue(out.contains("is missing (it was not pruned by had"), out);
    }

    @Test
    void recordsCutFromTheEndOfARotatedFileAreCaughtAtTheNextFile() throws Exception {
        List<Path> files = rotated();
        Path f = files.get(1);
        List<String> l = lines(f);
        write(f, l.subList(0, l.size() - 2));
        assertEquals(1, verify(files.get(files.size() - 1)));
        assertTrue(out.contains(files.get(2) + ":1 (seq "), out);
        assertTrue(out.contains("records were removed from the end of " + f.getFileName()), out);
    }

    @Test
    void usageErrorsExitTwo() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        assertEquals(2, new AuditVerify().run(new String[] {"--bogus"}, ps, ps));
        assertEquals(2, new AuditVerify().run(new String[] {dir.resolve("nothing.log").toString()}, ps, ps));
        assertEquals(0, new AuditVerify().run(new String[] {"--help"}, ps, ps));
        assertEquals(0, new AuditVerify().run(new String[] {log.toString()}, ps, ps));
    }
}
