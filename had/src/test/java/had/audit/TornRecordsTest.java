package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.report.Availability;
import had.report.ReportCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torn record anywhere in a log's history (the end of a rotated file, or glued before the next
 * record by a version that appended after a refused write) is read the one documented way:
 * verify notes it and checks the chain across it, the report leaves it out and counts the rest.
 */
class TornRecordsTest {
    @TempDir
    Path dir;
    Path log;
    List<Path> files;
    Availability.Result clean;

    @BeforeEach
    void write() throws Exception {
        log = dir.resolve("audit.log");
        LogScript s = new LogScript(log, new AuditLog.Settings(4096, 0, 0)).run(0, 100).start();
        for (int i = 1; i <= 40; i++) {
            s.at(i).bond("bond0", i % 5 != 0, 2, 2);
            s.heartbeat();
        }
        s.stop();
        files = AuditFiles.discover(log).files();
        assertTrue(files.size() >= 3, "rotated: " + files);
        clean = report(new StringBuilder());
    }

    Availability.Result report(StringBuilder warnings) throws Exception {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        Availability.Result r = ReportCommand.compute(files, null, null, 0, new PrintStream(w, true, StandardCharsets.UTF_8));
        warnings.append(w.toString(StandardCharsets.UTF_8));
        return r;
    }

    String verify() {
        StringBuilder out = new StringBuilder();
        int rc = AuditLogTest.verify(List.of(log), out);
        return rc + " " + out;
    }

    static String heartbeatLine(Path f) throws Exception {
        return Files.readAllLines(f).stream().filter(l -> l.contains("\"type\":\"daemon.heartbeat\"")).findFirst().orElseThrow();
    }

    @Test
    void aTornTailOfARotatedFileIsNotedAndTheChainCheckedAcrossIt() throws Exception {
        Path rotated = files.get(1);
        String hb = heartbeatLine(rotated);
        Files.writeString(rotated, hb.substring(0, hb.length() - 30), StandardOpenOption.APPEND);
        String v = verify();
        assertTrue(v.startsWith("0 "), v);
        assertTrue(v.contains(rotated + ":" + (Files.readAllLines(rotated).size()) + ": a torn record at the end of the file"), v);
        assertTrue(!v.contains("sets it aside"), "only the live file's torn tail is set aside: " + v);
        StringBuilder w = new StringBuilder();
        Availability.Result r = report(w);
        assertTrue(w.toString().contains(rotated + ":") && w.toString().contains("torn record left out"), w.toString());
        assertEquals(clean.records(), r.records());
        assertEquals(clean.services(), r.services());
    }

    @Test
    void aTornRecordGluedBeforeTheNextIsNotedAndTheRecordAfterItCounts() throws Exception {
        Path rotated = files.get(1);
        List<String> lines = new ArrayList<>(Files.readAllLines(rotated));
        int at = -1;
        for (int i = 1; i < lines.size(); i++) if (lines.get(i).contains("\"type\":\"service.state\"") && lines.get(i).contains("\"up\":false")) at = i;
        assertTrue(at > 0, "a bond going down in " + rotated);
        // What a version that appended after a refused write left: the heartbeat cut where the disk
        // filled, the next record written on after it. The heartbeat's own fields must not be read.
        String hb = heartbeatLine(rotated);
        lines.set(at, hb.substring(0, hb.indexOf(",\"prev\":") + 20) + lines.get(at));
        Files.writeString(rotated, String.join("\n", lines) + "\n");
        String v = verify();
        assertTrue(v.startsWith("0 "), v);
        assertTrue(v.contains(rotated + ":" + (at + 1) + ": a torn record before the record on the same line"), v);
        StringBuilder w = new StringBuilder();
        Availability.Result r = report(w);
        assertTrue(w.toString().contains(rotated + ":" + (at + 1) + ": torn record left out"), w.toString());
        assertEquals(clean.records(), r.records());
        assertEquals(clean.services(), r.services(), "the glued record counts, the torn one does not");
        List<Object> seqs = new ArrayList<>();
        AuditReader.read(files, rec -> seqs.add(rec.get("seq")));
        assertEquals(clean.records(), seqs.size());
    }

    @Test
    void twoWholeRecordsOnOneLineAreNoTornRecord() throws Exception {
        Path rotated = files.get(1);
        List<String> lines = new ArrayList<>(Files.readAllLines(rotated));
        lines.set(3, lines.get(3) + lines.remove(4));
        Files.writeString(rotated, String.join("\n", lines) + "\n");
        String v = verify();
        assertTrue(v.startsWith("1 "), v);
        assertTrue(v.contains(rotated + ":4 "), "the record on line 4 is not part of the chain, so line 4 breaks it: " + v);
    }
}
