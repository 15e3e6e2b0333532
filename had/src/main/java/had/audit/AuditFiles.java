package had.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files of one audit log: the live file ({@code audit.log}), the files it was rotated into
 * ({@code audit.log.20261122T034446.123Z}: the UTC time of the rotation) and the torn records
 * kept aside ({@code audit.log.torn-<epoch ms>}).
 *
 * <p>The order of the files is the chain's, never their names' (a wall clock can step back): the
 * first record of every file but the very first is an {@code audit.rotated} record naming the file
 * before it, so the set is found by following those links back from the live file.
 */
public final class AuditFiles {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern ROTATED_SUFFIX = Pattern.compile("\\.\\d{8}T\\d{6}\\.\\d{3}Z");
    private static final int MAX_LINE = 1 << 20;

    private AuditFiles() {}

    /** The name a live file gets when it is rotated at {@code when}. */
    static String rotatedName(Path live, Instant when) {
        return live.getFileName() + "." + STAMP.format(when);
    }

    /** Whether {@code file} is a rotated file of the live log {@code liveName}. */
    public static boolean isRotated(String liveName, String fileName) {
        return fileName.startsWith(liveName) && ROTATED_SUFFIX.matcher(fileName.substring(liveName.length())).matches();
    }

    /** Whether a file name is a rotated file of some log ({@code NAME.<stamp>}). */
    public static boolean looksRotated(String fileName) {
        int dot = fileName.lastIndexOf('.', fileName.length() - 6);
        return dot > 0 && ROTATED_SUFFIX.matcher(fileName.substring(dot)).matches();
    }

    /** Rotated files next to {@code live}, in no particular order. */
    public static List<Path> rotatedSiblings(Path live) {
        List<Path> out = new ArrayList<>();
        Path dir = dirOf(live);
        if (!Files.isDirectory(dir)) return out;
        String name = live.getFileName().toString();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (isRotated(name, p.getFileName().toString())) out.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    static Path dirOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /**
     * A log's files in chain order, found from its live file.
     *
     * @param files       oldest first; the live file last (when it exists and holds records)
     * @param missing     the file the oldest one names as its predecessor when that file is not
     *                    there (pruned by retention, or lost), else null
     * @param unlinked    rotated files next to the log that no link leads to (they are older than
     *                    a missing file)
     */
    public record LogSet(List<Path> files, String missing, List<Path> unlinked) {}

    public static LogSet discover(Path live) {
        List<Path> chain = new ArrayList<>();
        Path head = live;
        if (!Files.exists(live) || size(live) == 0) {
            head = newestRotated(live);
        }
        Set<Path> seen = new HashSet<>();
        String missing = null;
        Path cur = head;
        while (cur != null && seen.add(cur.toAbsolutePath().normalize())) {
            chain.add(cur);
            Map<String, Object> first = firstRecord(cur);
            if (first == null || !"audit.rotated".equals(first.get("type"))) break;
            Path before = cur.resolveSibling(String.valueOf(first.get("previous")));
            if (!Files.exists(before)) {
                missing = before.getFileName().toString();
                break;
            }
            cur = before;
        }
        Collections.reverse(chain);
        List<Path> unlinked = new ArrayList<>();
        for (Path p : rotatedSiblings(live)) if (!seen.contains(p.toAbsolutePath().normalize())) unlinked.add(p);
        unlinked.sort(null);
        return new LogSet(chain, missing, unlinked);
    }

    /** The rotated file whose first record has the highest seq (the live file's predecessor). */
    static Path newestRotated(Path live) {
        Path best = null;
        long bestSeq = -1;
        for (Path p : rotatedSiblings(live)) {
            Map<String, Object> r = firstRecord(p);
            long seq = r != null && r.get("seq") instanceof Number n ? n.longValue() : -1;
            if (seq > bestSeq) {
                best = p;
                bestSeq = seq;
            }
        }
        return best;
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The first record of a file, or null when it has none that parses. */
    public static Map<String, Object> firstRecord(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[8192];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int n;
            outer:
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line.write(buf, 0, i);
                        break outer;
                    }
                }
                line.write(buf, 0, n);
                if (line.size() > MAX_LINE) return null;
            }
            return AuditLines.record(line.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    /** The last whole line of a file (ending in a newline), read from its end; null if none. */
    public static String lastWholeLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = lastNewline(ch, ch.size());
            if (end < 0) return null;
            long start = lastNewline(ch, end) + 1;
            if (end - start > MAX_LINE) throw new IOException(file + ": last record longer than " + MAX_LINE + " bytes");
            ByteBuffer b = ByteBuffer.allocate((int) (end - start));
            while (b.hasRemaining()) if (ch.read(b, start + b.position()) < 0) break;
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }
    }

    /** Position of the last '\n' before {@code before}, or -1. Reads backwards in small blocks. */
    static long lastNewline(FileChannel ch, long before) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long pos = before;
        while (pos > 0) {
            int len = (int) Math.min(b.capacity(), pos);
            b.clear().limit(len);
            long from = pos - len;
            while (b.hasRemaining()) if (ch.read(b, from + b.position()) < 0) break;
            for (int i = len - 1; i >= 0; i--) if (b.get(i) == '\n') return from + i;
            pos = from;
        }
        return -1;
    }
}
