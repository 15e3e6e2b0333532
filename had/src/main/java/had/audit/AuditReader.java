package had.audit;

import had.json.Json;
import had.json.JsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** Reads an audit log file record by record, in order, without holding it all in memory. */
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
}
