package had.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads audit log files record by record, in order, without holding them in memory. */
public final class AuditReader {
    private AuditReader() {}

    /**
     * Feeds every record to {@code sink}; torn records (see {@link AuditLines}) are passed over.
     *
     * @throws IOException naming the file and line of the first line that is not a record
     */
    public static void read(Path file, Consumer<Map<String, Object>> sink) throws IOException {
        AuditLines.read(file, AuditLines.Parser.FULL, e -> {
            if (e instanceof AuditLines.Record r) sink.accept(r.fields());
            else if (e instanceof AuditLines.Bad b) throw new IOException(file + ":" + b.line() + ": not an audit record: " + b.error());
            return true;
        });
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
