package had.audit;

import had.json.Json;
import had.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How every reader of a log file (verify, report, the end-of-run summary, drills) takes it apart
 * into records, so that all of them treat a torn record the same way.
 *
 * <p>A torn record is the beginning of a record that was never finished: had stopped, or its disk
 * refused the write, while the record was being written. had leaves one only at the very end of
 * its live file (a refused write is cut back to the last whole record at once, and a torn last
 * line is set aside at the next start), but a log may hold older ones: at the end of a rotated
 * file (no newline), or glued before the next record on the same line (written by versions that
 * appended after a refused write). A torn record is not part of the chain: readers pass over it
 * and say where it was, and verify checks the chain across it as if it were not there, so
 * skipping one can hide no whole record.
 */
public final class AuditLines {
    /** How every line had writes begins: the schema version field. */
    public static final String RECORD_START = "{\"v\":";

    private AuditLines() {}

    /** Turns a line into a record's fields; readers that need only a few fields may parse lightly. */
    @FunctionalInterface
    public interface Parser {
        Map<String, Object> parse(String line) throws JsonException;

        Parser FULL = Json::parseObject;
    }

    /** One thing found in a file. {@code line}: its line number, from 1. */
    public sealed interface Entry {
        long line();
    }

    /** A whole line's record; {@code text} is the record's line without a torn record glued before it. */
    public record Record(long line, String text, Map<String, Object> fields) implements Entry {}

    public enum Where {
        /** The file's last line, without its newline. */
        END_OF_FILE,
        /** Glued before a whole record on the same line. */
        BEFORE_RECORD
    }

    /** The bytes of a record that was never finished. */
    public record Torn(long line, String fragment, Where where) implements Entry {}

    /** A whole line that is no record, not even a torn one followed by one. */
    public record Bad(long line, String text, String error) implements Entry {}

    @FunctionalInterface
    public interface Sink {
        /** Takes one entry; false stops the reading. */
        boolean accept(Entry entry) throws IOException;
    }

    /** Feeds {@code sink} every entry of {@code file}, in order. */
    public static void read(Path file, Parser parser, Sink sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            ByteArrayOutputStream carry = new ByteArrayOutputStream(512);
            long lineNo = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') continue;
                    String line;
                    if (carry.size() > 0) {
                        carry.write(buf, from, i - from);
                        line = carry.toString(StandardCharsets.UTF_8);
                        carry.reset();
                    } else {
                        line = new String(buf, from, i - from, StandardCharsets.UTF_8);
                    }
                    from = i + 1;
                    if (!line(++lineNo, line, parser, sink)) return;
                }
                carry.write(buf, from, n - from);
            }
            if (carry.size() > 0) sink.accept(new Torn(lineNo + 1, carry.toString(StandardCharsets.UTF_8), Where.END_OF_FILE));
        }
    }

    private static boolean line(long no, String text, Parser parser, Sink sink) throws IOException {
        try {
            return sink.accept(new Record(no, text, parser.parse(text)));
        } catch (JsonException e) {
            Record glued = afterTorn(no, text, parser);
            if (glued == null) return sink.accept(new Bad(no, text, e.getMessage()));
            String fragment = text.substring(0, text.length() - glued.text().length());
            return sink.accept(new Torn(no, fragment, Where.BEFORE_RECORD)) && sink.accept(glued);
        }
    }

    /**
     * The whole record a line that does not parse ends with, when what comes before it is the
     * beginning of a record (a torn one); else null.
     */
    static Record afterTorn(long no, String text, Parser parser) {
        if (!text.startsWith(RECORD_START)) return null;
        for (int k = text.indexOf(RECORD_START, 1); k > 0; k = text.indexOf(RECORD_START, k + 1)) {
            String rest = text.substring(k);
            try {
                return new Record(no, rest, parser.parse(rest));
            } catch (JsonException again) {
                // a field's value that looks like a record's start: try the next one
            }
        }
        return null;
    }

    /** The record of one whole line (with a torn record glued before it left out), or null. */
    public static Map<String, Object> record(String line) {
        try {
            return Json.parseObject(line);
        } catch (JsonException e) {
            Record glued = afterTorn(0, line, Parser.FULL);
            return glued == null ? null : glued.fields();
        }
    }
}
