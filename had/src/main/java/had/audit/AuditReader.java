package had.audit;

import had.json.Json;
import had.json.JsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads audit log files record by record, in order, without holding them in memory. */
public final class AuditReader {
    private AuditReader() {}

    /**
     * Feeds every record to {@code sink}.
     *
     * @throws IOException naming the file and line of the first line that is not a record
     */
    public static void read(Path file, Consumer<Map<String, Object>> sink) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                try {
                    sink.accept(Json.parseObject(line));
                } catch (JsonException e) {
                    throw new IOException(file + ":" + n + ": not an audit record: " + e.getMessage());
                }
            }
        }
    }

    /** Feeds the records of several files, one after the other (a log and its rotated files). */
    public static void read(List<Path> files, Consumer<Map<String, Object>> sink) throws IOException {
        for (Path f : files) read(f, sink);
    }

    /** The files of the log whose live file is {@code live}, oldest first. */
    public static List<Path> logSet(Path live) {
        return AuditFiles.discover(live).files();
    }
}
