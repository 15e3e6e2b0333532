package had.audit;

import had.json.Json;
import had.json.JsonException;
import had.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit log file: one JSON object per line, append-only, each record carrying the SHA-256
 * of the one before it. Records are chained as they are recorded and written in groups: {@link
 * #commit} writes every record since the last commit with one write and forces it to disk with one
 * fsync, because an fsync per record costs a storm of insertions more than all else had does.
 *
 * <p>A record's hash covers its own text up to and including its {@code prev} field, so an
 * auditor can recompute every link with nothing but the file (see {@link AuditChain}).
 *
 * <p>When the live file would grow past {@link Settings#maxBytes()} it is renamed to
 * {@code NAME.<UTC time>} and a new one begun with an {@code audit.rotated} record naming it: the
 * chain (seq and prev) runs on across files. Beyond {@link Settings#keep()} rotated files, the
 * oldest is deleted and an {@code audit.pruned} record says so.
 *
 * <p>One writer at a time: the log holds an exclusive lock on {@code NAME.lock} while open, so a
 * second process (or a second log object) on the same file fails at once with the pid of the
 * one writing. Readers need no lock: they only ever see whole, durable lines plus perhaps one
 * line being written.
 */
public final class AuditLog implements Audit, AutoCloseable {
    public static final int SCHEMA = 1;

    /**
     * @param maxBytes        rotate before the live file would exceed this many bytes
     * @param keep            rotated files to keep (0: keep all)
     * @param heartbeatMillis how often a running had records {@code daemon.heartbeat} (0: never)
     */
    public record Settings(long maxBytes, int keep, long heartbeatMillis) {
        public static final Settings DEFAULT = new Settings(16L << 20, 32, 60_000);

        public Settings {
            if (maxBytes < 4096) throw new IllegalArgumentException("audit max bytes below 4096: " + maxBytes);
            if (keep < 0) throw new IllegalArgumentException("audit keep below 0: " + keep);
            if (heartbeatMillis < 0) throw new IllegalArgumentException("heartbeat below 0: " + heartbeatMillis);
        }
    }

    /** Opens the live file; the tests' opener counts what is forced to disk. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    private final Path file;
    private final Opener opener;
    private final Clock clock;
    private final Settings settings;
    private final String run = UUID.randomUUID().toString();
    private final FileChannel lockChannel;
    private final List<java.util.function.Consumer<Map<String, Object>>> followers = new ArrayList<>();
    private FileChannel channel;
    /** Bytes of the live file that are on disk. */
    private long size;
    private long seq;
    private String prev = AuditChain.GENESIS;
    /** The group being recorded: its lines, and the records for the followers once durable. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final MessageDigest digest = sha256();
    private final List<Map<String, Object>> pendingRecords = new ArrayList<>();
    private long durableSeq;
    private String durablePrev = AuditChain.GENESIS;

    public AuditLog(Path file, Clock clock) {
        this(file, clock, Settings.DEFAULT);
    }

    public AuditLog(Path file, Clock clock, Settings settings) {
        this(file, clock, settings, FileChannel::open);
    }

    AuditLog(Path file, Clock clock, Settings settings, Opener opener) {
        this.file = file;
        this.opener = opener;
        this.clock = clock;
        this.settings = settings;
        FileChannel lock = null;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            lock = lock(file);
            String tornAside = recoverTail();
            Path continues = null;
            if (size == 0 && seq == 0) {
                continues = AuditFiles.newestRotated(file);
                if (continues != null) pickUp(continues);
            }
            channel = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            size = channel.size();
            durableSeq = seq;
            durablePrev = prev;
            if (continues != null) {
                // Stopped between renaming the live file and beginning the new one: begin it now.
                rotatedRecord(continues.getFileName().toString());
            }
            if (tornAside != null) {
                record(AuditEvent.of("audit.torn-tail").with("kept_as", tornAside)
                        .with("reason", "the last line was incomplete (a crash while writing); kept aside, not mended")
                        .build());
            }
            commit();
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("cannot open audit log " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        this.lockChannel = lock;
    }

    /** Takes the log's writer lock, or says who holds it. */
    private static FileChannel lock(Path file) throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            String pid = holder(ch);
            ch.close();
            throw new IllegalStateException("audit log " + file + " is in use by pid " + pid
                    + " (one writer at a time: its lock is " + lockFile + ")");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        ch.force(false);
        return ch;
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? "?" : s;
        } catch (IOException e) {
            return "?";
        }
    }

    /** Readers that see each stored record, as a reader of the file would, once it is durable (committed). */
    public synchronized void follow(java.util.function.Consumer<Map<String, Object>> follower) {
        followers.add(follower);
    }

    @Override
    public synchronized void record(AuditEvent event) {
        for (String k : event.fields().keySet()) {
            if (AuditChain.RESERVED.contains(k)) throw new IllegalArgumentException("reserved audit field " + k);
        }
        Map<String, Object> rec = stamp(event);
        AuditChain.Sealed sealed = AuditChain.seal(rec, digest);
        long live = size + pending.size();
        if (live > 0 && live + sealed.bytes().length > settings.maxBytes()) {
            seq--;
            commit();
            rotate();
            rec = stamp(event);
            sealed = AuditChain.seal(rec, digest);
        }
        add(rec, sealed);
    }

    /**
     * Writes the records since the last commit with one write and forces them to disk with one
     * fsync; the followers see them after that. When the write fails the group is taken back
     * (the file cut to its durable end, the chain continuing from the last durable record) and the
     * caller learns that nothing of it was recorded.
     */
    @Override
    public synchronized void commit() {
        if (pending.size() == 0) return;
        byte[] bytes = pending.toByteArray();
        List<Map<String, Object>> records = List.copyOf(pendingRecords);
        pending.reset();
        pendingRecords.clear();
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            seq = durableSeq;
            prev = durablePrev;
            try {
                channel.truncate(size);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new UncheckedIOException("cannot write audit log " + file + ": " + e.getMessage(), e);
        }
        size += bytes.length;
        durableSeq = seq;
        durablePrev = prev;
        for (Map<String, Object> rec : records) for (var f : followers) f.accept(rec);
    }

    private Map<String, Object> stamp(AuditEvent event) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("v", SCHEMA);
        rec.put("seq", ++seq);
        rec.put("time", clock.wallTime().toString());
        rec.put("mono", clock.nanos());
        rec.put("run", run);
        rec.put("type", event.type());
        rec.putAll(event.fields());
        rec.put("prev", prev);
        return rec;
    }

    private void add(Map<String, Object> rec, AuditChain.Sealed sealed) {
        pending.writeBytes(sealed.bytes());
        prev = sealed.hash();
        rec.put("hash", sealed.hash());
        pendingRecords.add(rec);
    }

    private void append(AuditEvent event) {
        Map<String, Object> rec = stamp(event);
        add(rec, AuditChain.seal(rec, digest));
    }

    /**
     * Closes the live file under a new name and begins a new one whose first record links back to
     * it; then deletes the oldest rotated files beyond {@link Settings#keep()}, recording each.
     */
    private void rotate() {
        Path rotated;
        try {
            channel.force(true);
            channel.close();
            Instant at = clock.wallTime();
            rotated = file.resolveSibling(AuditFiles.rotatedName(file, at));
            while (Files.exists(rotated)) {
                at = at.plusMillis(1);
                rotated = file.resolveSibling(AuditFiles.rotatedName(file, at));
            }
            Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            channel = opener.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            syncDirectory();
            size = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate audit log " + file + ": " + e.getMessage(), e);
        }
        rotatedRecord(rotated.getFileName().toString());
        prune();
    }

    private void rotatedRecord(String previous) {
        append(AuditEvent.of("audit.rotated").with("previous", previous).with("previous_last_seq", seq)
                .with("previous_last_hash", prev).build());
    }

    private void prune() {
        if (settings.keep() == 0) return;
        List<Path> rotated = AuditFiles.rotatedSiblings(file);
        if (rotated.size() <= settings.keep()) return;
        Map<Path, Long> firstSeq = new LinkedHashMap<>();
        for (Path p : rotated) {
            Map<String, Object> r = AuditFiles.firstRecord(p);
            firstSeq.put(p, r != null && r.get("seq") instanceof Number n ? n.longValue() : -1L);
        }
        rotated.sort(java.util.Comparator.comparingLong(firstSeq::get));
        for (int i = 0; i < rotated.size() - settings.keep(); i++) {
            Path p = rotated.get(i);
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                append(AuditEvent.of("audit.error").with("action", "prune " + p.getFileName())
                        .with("error", e.getMessage()).build());
                continue;
            }
            append(AuditEvent.of("audit.pruned").with("file", p.getFileName().toString())
                    .with("first_seq", firstSeq.get(p)).with("keep", settings.keep()).build());
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(AuditFiles.dirOf(file), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be synced; the rename is still atomic.
        }
    }

    public Path file() {
        return file;
    }

    public Settings settings() {
        return settings;
    }

    /** This daemon run's id: every record it writes carries it. */
    public String run() {
        return run;
    }

    /**
     * Picks up the chain where the file ends. A last line without its newline is a record torn by
     * a crash: it is moved to a side file (kept for the auditor) and the log continues after the
     * last whole record, so the chain stays verifiable. Reads only the end of the file.
     */
    private String recoverTail() throws IOException {
        if (!Files.exists(file)) return null;
        String aside = null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            if (end > 0 && !endsWithNewline(ch, end)) {
                long cut = AuditFiles.lastNewline(ch, end) + 1;
                if (end - cut > (64 << 20)) throw new IOException("torn last line longer than 64 MiB");
                ByteBuffer torn = ByteBuffer.allocate((int) (end - cut));
                while (torn.hasRemaining()) if (ch.read(torn, cut + torn.position()) < 0) break;
                Path side = file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis());
                Files.write(side, java.util.Arrays.copyOf(torn.array(), torn.position()), StandardOpenOption.CREATE_NEW);
                ch.truncate(cut);
                ch.force(true);
                end = cut;
                aside = side.getFileName().toString();
            }
            size = end;
        }
        if (size > 0) pickUp(file);
        return aside;
    }

    private static boolean endsWithNewline(FileChannel ch, long end) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, end - 1);
        return b.get(0) == '\n';
    }

    /** Continues the chain after the last whole record of {@code from}. */
    private void pickUp(Path from) throws IOException {
        String last = AuditFiles.lastWholeLine(from);
        if (last == null) return;
        Map<String, Object> rec = AuditLines.record(last);
        if (rec == null || !(rec.get("seq") instanceof Number n) || !(rec.get("hash") instanceof String hash)) {
            throw new IOException("the last record of " + from + " is not a valid audit record; run 'hadctl audit"
                    + " verify' and move the file aside");
        }
        seq = n.longValue();
        prev = hash;
    }

    @Override
    public synchronized void close() {
        try (FileChannel lock = lockChannel; FileChannel live = channel) {
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // already failing
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
