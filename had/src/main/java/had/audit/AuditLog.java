package had.audit;

import had.os.FileModes;
import had.time.Clock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log file: one JSON object per line, append-only, each record carrying the SHA-256
 * of the one before it. Records are chained as they are recorded and written in groups: {@link
 * #commit} writes every record since the last commit with one write and forces it to disk with one
 * fsync, because an fsync per record costs a storm of insertions more than all else had does.
 *
 * <p>A record's hash covers its own text up to and including its {@code prev} field, so an
 * auditor can recompute every link with nothing but the file (see {@link AuditChain}).
 *
 * <p><b>When the disk fails.</b> A write the disk refuses (full, or an I/O error) is cut back to
 * the last whole record before anything else is appended, so the file never holds a torn record
 * but after a crash. Its records stay in memory, in order and already chained, and are written as
 * soon as the disk takes them: on a commit at least {@link #RETRY_NANOS} after the last try. The
 * memory is bounded ({@link Settings#holdBytes()}); records beyond it are counted, not kept, and
 * an {@code audit.lost} record, chained where they would have been, says how many and over which
 * time. Before holding anything the log gives itself the {@link Reserve} set aside next to it.
 * {@link #health()} says how it is going, for status and systemd.
 *
 * <p>When the live file would grow past {@link Settings#maxBytes()} it is renamed to
 * {@code NAME.<UTC time>} and a new one begun with an {@code audit.rotated} record naming it: the
 * chain (seq and prev) runs on across files. Beyond {@link Settings#keep()} rotated files, the
 * oldest is deleted and an {@code audit.pruned} record says so. A log that is behind does not
 * rotate until it has caught up: the file may then grow past the limit by what was held.
 *
 * <p>One writer at a time: the log holds an exclusive lock on {@code NAME.lock} while open, so a
 * second process (or a second log object) on the same file fails at once with the pid of the
 * one writing. Readers need no lock: they only ever see whole, durable lines plus perhaps one
 * line being written.
 */
public final class AuditLog implements Audit, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    public static final int SCHEMA = 1;
    /** How soon a log that could not write tries again, and a missing reserve is looked at again. */
    static final long RETRY_NANOS = 1_000_000_000L;
    /** How soon a rotation that failed is tried again. */
    private static final long ROTATE_RETRY_NANOS = 60 * RETRY_NANOS;

    /**
     * @param maxBytes        rotate before the live file would exceed this many bytes
     * @param keep            rotated files to keep (0: keep all)
     * @param heartbeatMillis how often a running had records {@code daemon.heartbeat} (0: never)
     * @param holdBytes       how many bytes of records to hold in memory while the disk refuses them
     * @param reserveBytes    room to set aside for the log on its file system (0: none)
     */
    public record Settings(long maxBytes, int keep, long heartbeatMillis, long holdBytes, long reserveBytes) {
        public static final long DEFAULT_HOLD_BYTES = 1L << 20;
        public static final long DEFAULT_RESERVE_BYTES = 64L << 10;
        public static final Settings DEFAULT = new Settings(16L << 20, 32, 60_000);

        public Settings {
            if (maxBytes < 4096) throw new IllegalArgumentException("audit max bytes below 4096: " + maxBytes);
            if (keep < 0) throw new IllegalArgumentException("audit keep below 0: " + keep);
            if (heartbeatMillis < 0) throw new IllegalArgumentException("heartbeat below 0: " + heartbeatMillis);
            if (holdBytes < 4096) throw new IllegalArgumentException("audit hold bytes below 4096: " + holdBytes);
            if (reserveBytes < 0) throw new IllegalArgumentException("audit reserve below 0: " + reserveBytes);
        }

        public Settings(long maxBytes, int keep, long heartbeatMillis) {
            this(maxBytes, keep, heartbeatMillis, DEFAULT_HOLD_BYTES, DEFAULT_RESERVE_BYTES);
        }

        public Settings withSpace(long hold, long reserve) {
            return new Settings(maxBytes, keep, heartbeatMillis, hold, reserve);
        }
    }

    /**
     * How the log is doing, as status, systemd and the journal tell it.
     *
     * @param since        when it came to this state (null while {@link State#WRITING})
     * @param reason       why (the disk's error), null while writing
     * @param heldRecords  records waiting in memory for the disk
     * @param lostRecords  records lost since had started because the memory for them was full
     * @param reserveBytes the reserve set aside now
     */
    public record Health(State state, Instant since, String reason, int heldRecords, long heldBytes, long lostRecords,
                         long reserveBytes) {
        public enum State {
            /** Every record is written when it is committed. */
            WRITING,
            /**
             * Records are written, but no reserve is set aside (it was given to the log when its file
             * system filled, or there never was room for it): the next time it fills, the log falls behind.
             */
            NO_RESERVE,
            /** The disk does not take records: they are held in memory, in order, until it does. */
            BEHIND
        }

        /** Whether an operator should hear of it: anything but writing with nothing lost. */
        public boolean troubled() {
            return state != State.WRITING || lostRecords > 0;
        }

        /** One line for people: status, systemd's STATUS. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            switch (state) {
                case WRITING -> sb.append("writing");
                case NO_RESERVE -> sb.append("writing, with no reserve set aside since ").append(since).append(" (")
                        .append(reason).append(')');
                case BEHIND -> sb.append("BEHIND since ").append(since).append(": ").append(reason).append("; ")
                        .append(heldRecords).append(" record(s) (").append(heldBytes)
                        .append(" bytes) held in memory until the disk takes them");
            }
            if (lostRecords > 0) sb.append("; ").append(lostRecords).append(" record(s) lost since had started (audit.lost)");
            return sb.toString();
        }
    }

    /** Opens the log's files; the tests' opener counts what is forced to disk, or fills the disk. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    /** A torn last line found at start-up: it goes to {@code side} before anything is appended. */
    private record Torn(long from, long end, Path side) {}

    /** Bytes with a view for writing them without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        ByteBuffer view() {
            return ByteBuffer.wrap(buf, 0, count);
        }

        void clear() {
            reset();
            if (buf.length > (64 << 10)) buf = new byte[8192];
        }
    }

    private final Path file;
    private final Opener opener;
    private final Clock clock;
    private final Settings settings;
    private final FileModes modes;
    private final Reserve reserve;
    private final String run = UUID.randomUUID().toString();
    private final FileChannel lockChannel;
    private final List<java.util.function.Consumer<Map<String, Object>>> followers = new ArrayList<>();
    /** The live file, or null when it must be opened (created) before the next write. */
    private FileChannel channel;
    /** Bytes of the live file that are whole, durable records. */
    private long size;
    /** A write failed: the file may hold bytes after {@link #size}; they are cut before anything is appended. */
    private boolean cut;
    /**
     * Bytes at the front of {@link #unwritten} already in the file after {@link #size}: whole
     * records written ahead of an action ({@link #writeAhead}), not yet forced to disk. A failed
     * write or fsync cuts them with the rest and writes them again.
     */
    private int ahead;
    private Torn torn;
    private long seq;
    private String prev = AuditChain.GENESIS;
    /** Records chained but not yet durable, in order: the group being recorded, and all held. */
    private final Bytes unwritten = new Bytes();
    private int unwrittenCount;
    /** The same records, for the followers, kept only when there are followers. */
    private final List<Map<String, Object>> unwrittenRecords = new ArrayList<>();
    private long written;
    private long syncs;
    private long syncNanos;
    private volatile Written writtenSoFar = new Written(0, 0, 0);
    private final MessageDigest digest = AuditChain.sha256();
    /** Since when, and why, the disk refuses the records; null while it takes them. */
    private Instant behindSince;
    private String behindReason;
    private long nextTry;
    private long rotateAfter;
    /** Records not kept since the memory for them filled, and when the first and last came. */
    private long lost;
    private Instant lostFrom;
    private Instant lostTo;
    private long lostFromMono;
    private long lostToMono;
    private long lostTotal;
    /** Lost records an unwritten {@code audit.lost} record counts: told by the commit that writes it. */
    private long lostInUnwritten;
    private volatile Health health = new Health(Health.State.WRITING, null, null, 0, 0, 0, 0);

    public AuditLog(Path file, Clock clock) {
        this(file, clock, Settings.DEFAULT);
    }

    public AuditLog(Path file, Clock clock, Settings settings) {
        this(file, clock, settings, FileChannel::open, FileModes.standard());
    }

    AuditLog(Path file, Clock clock, Settings settings, Opener opener) {
        this(file, clock, settings, opener, FileModes.standard());
    }

    AuditLog(Path file, Clock clock, Settings settings, Opener opener, FileModes modes) {
        this.file = file;
        this.opener = opener;
        this.clock = clock;
        this.settings = settings;
        this.modes = modes;
        this.reserve = new Reserve(file, settings.reserveBytes(), opener, modes, clock);
        FileChannel lock = null;
        try {
            modes.createDirectories(AuditFiles.dirOf(file));
            lock = lock(file, modes);
            findTail();
            Path continues = null;
            if (size == 0 && seq == 0) {
                continues = AuditFiles.newestRotated(file);
                if (continues != null) pickUp(continues);
            }
            if (continues != null) {
                // Stopped between renaming the live file and beginning the new one: begin it now.
                rotatedRecord(continues.getFileName().toString());
            }
            if (torn != null) {
                record(AuditEvent.of("audit.torn-tail").with("kept_as", torn.side().getFileName().toString())
                        .with("reason", "the last line was incomplete (a crash while writing); kept aside, not mended")
                        .build());
            }
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("cannot open audit log " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        this.lockChannel = lock;
        commit(true);
    }

    /** Takes the log's writer lock, or says who holds it. */
    private static FileChannel lock(Path file, FileModes modes) throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        boolean created = !Files.exists(lockFile);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (created) modes.file(lockFile);
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
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
        } catch (IOException e) {
            // The lock keeps a second writer out; the pid only names the holder, and a full disk may refuse it.
        }
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
        if (lost > 0 || (behindSince != null && unwritten.size() >= settings.holdBytes())) {
            lose();
            return;
        }
        Map<String, Object> rec = stamp(event);
        AuditChain.Sealed sealed = AuditChain.seal(rec, digest);
        if (rotationDue(sealed.bytes().length) && commit(false) instanceof Commit.Durable && rotate()) {
            rec = stamp(event);
            sealed = AuditChain.seal(rec, digest);
        }
        add(rec, sealed);
        if (behindSince == null && unwritten.size() >= settings.holdBytes()) commit(false);
    }

    private boolean rotationDue(int bytes) {
        long live = size + unwritten.size();
        return behindSince == null && live > 0 && live + bytes > settings.maxBytes() && clock.nanos() - rotateAfter >= 0;
    }

    /** A record the memory has no room for: counted, its time kept, for the audit.lost record. */
    private void lose() {
        Instant now = clock.wallTime();
        long mono = clock.nanos();
        if (lost == 0) {
            lostFrom = now;
            lostFromMono = mono;
            log.error("audit log {}: {} bytes of records are held in memory, the most it holds; records are lost from"
                    + " now until the disk takes them again (an audit.lost record will count them)", file, unwritten.size());
        }
        lost++;
        lostTotal++;
        lostTo = now;
        lostToMono = mono;
        publish();
    }

    /**
     * Writes the records since the last commit with one write and forces them to disk with one
     * fsync; the followers see them after that. When the disk refuses them, they are held (see
     * the class comment) and the outcome says so; nothing is lost and nothing thrown.
     */
    @Override
    public synchronized Commit commit() {
        return commit(false, true);
    }

    /**
     * Writes the records since the last write to the file, in order, without waiting for the disk:
     * they outlive had (a crash, kill -9), and the next {@link #commit} forces them with the rest.
     * When the disk refuses them they are held, as a commit's are.
     */
    @Override
    public synchronized void writeAhead() {
        commit(false, false);
    }

    private Commit commit(boolean now) {
        return commit(now, true);
    }

    /**
     * @param now   try the disk even when the last try was less than {@link #RETRY_NANOS} ago
     * @param force force what is written to disk (a commit), or only write it (ahead of an action)
     */
    private Commit commit(boolean now, boolean force) {
        boolean behind = behindSince != null;
        if (!behind && unwritten.size() == 0) {
            tendReserve();
            return Commit.DURABLE;
        }
        if (behind && !now && clock.nanos() - nextTry < 0) return new Commit.Held(unwrittenCount, behindReason);
        int records = unwrittenCount;
        long resumed;
        try {
            resumed = write(force);
        } catch (IOException refused) {
            if (!reserve.release(describe(refused))) return fellBehind(refused);
            try {
                resumed = write(force);
            } catch (IOException again) {
                return fellBehind(again);
            }
        }
        if (behind) {
            log.warn("audit log {} written again after {} s: {} held record(s) written{}", file,
                    Duration.between(behindSince, clock.wallTime()).toSeconds(), records,
                    resumed > 0 ? ", and an audit.lost record: " + resumed + " record(s) were lost" : "");
            behindSince = null;
            behindReason = null;
        }
        tendReserve();
        return resumed > 0 ? new Commit.Resumed(resumed) : Commit.DURABLE;
    }

    /** Writes what is unwritten, then the record of what was lost; returns how many lost records that record counts. */
    private long write(boolean force) throws IOException {
        long resumed = flush(force);
        if (lost == 0) return resumed;
        add(stampLost());
        return flush(force);
    }

    /**
     * Writes the unwritten records at the end of the live file and forces them to disk. The file is
     * first (re)opened, a torn tail found at start-up set aside, and what a failed write left cut.
     * Returns the lost records counted by an {@code audit.lost} record it wrote.
     */
    private long flush(boolean force) throws IOException {
        if (channel == null) openLive();
        if (torn != null) setTornAside();
        if (cut) rollBack();
        if (unwritten.size() == 0) return 0;
        cut = true;
        ByteBuffer buf = unwritten.view();
        buf.position(ahead);
        while (buf.hasRemaining()) channel.write(buf);
        if (!force) {
            ahead = unwritten.size();
            cut = false;
            return 0;
        }
        long forcing = clock.nanos();
        channel.force(false);
        syncs++;
        syncNanos += clock.nanos() - forcing;
        written += unwrittenCount;
        writtenSoFar = new Written(written, syncs, syncNanos);
        cut = false;
        ahead = 0;
        size += unwritten.size();
        List<Map<String, Object>> records = List.copyOf(unwrittenRecords);
        unwritten.clear();
        unwrittenRecords.clear();
        unwrittenCount = 0;
        long resumed = lostInUnwritten;
        lostInUnwritten = 0;
        publish();
        for (Map<String, Object> rec : records) for (var f : followers) f.accept(rec);
        return resumed;
    }

    /** Cuts the live file back to its last whole record. */
    private void rollBack() throws IOException {
        channel.truncate(size);
        cut = false;
        ahead = 0;
    }

    private Commit fellBehind(IOException e) {
        if (cut && channel != null) {
            try {
                rollBack();
            } catch (IOException again) {
                // cut again before the next write
            }
        }
        if (channel != null && !channel.isOpen()) channel = null;
        String reason = describe(e);
        nextTry = clock.nanos() + RETRY_NANOS;
        if (behindSince == null) {
            behindSince = clock.wallTime();
            log.error("audit log {} cannot be written: {}; had goes on acting and holds its records in memory (up to {}"
                    + " bytes) until they can be written", file, reason, settings.holdBytes());
        }
        behindReason = reason;
        publish();
        return new Commit.Held(unwrittenCount, reason);
    }

    private void tendReserve() {
        boolean missing = reserve.missing();
        reserve.tend();
        if (missing != reserve.missing() || health.state() == Health.State.BEHIND) publish();
    }

    /** What the log is going through now; readable from any thread. */
    /**
     * What this log has made durable since it was opened: {@code records} written, in {@code syncs}
     * fsyncs that took {@code syncNanos} in all (the figures a monitor graphs).
     */
    public record Written(long records, long syncs, long syncNanos) {}

    /** Read without the log's lock: a scrape never waits behind an fsync. */
    public Written written() {
        return writtenSoFar;
    }

    public Health health() {
        return health;
    }

    private void publish() {
        if (behindSince != null) {
            health = new Health(Health.State.BEHIND, behindSince, behindReason, unwrittenCount, unwritten.size(), lostTotal,
                    reserve.heldBytes());
        } else if (reserve.missing()) {
            health = new Health(Health.State.NO_RESERVE, reserve.since(), reserve.reason(), 0, 0, lostTotal, 0);
        } else {
            health = new Health(Health.State.WRITING, null, null, 0, 0, lostTotal, reserve.heldBytes());
        }
    }

    /** "No space left on device": what an operator is told. */
    static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private Map<String, Object> stamp(AuditEvent event) {
        return stamp(event, clock.wallTime(), clock.nanos());
    }

    private Map<String, Object> stamp(AuditEvent event, Instant time, long mono) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("v", SCHEMA);
        rec.put("seq", seq + 1);
        rec.put("time", time.toString());
        rec.put("mono", mono);
        rec.put("run", run);
        rec.put("type", event.type());
        rec.putAll(event.fields());
        rec.put("prev", prev);
        return rec;
    }

    /** The record of what was lost: chained where the lost records would have been. */
    private Map<String, Object> stampLost() {
        Map<String, Object> rec = stamp(AuditEvent.of("audit.lost").with("records", lost).with("from", lostFrom.toString())
                .with("to", lostTo.toString()).with("from_mono", lostFromMono).with("to_mono", lostToMono)
                .with("reason", behindReason).with("hold_bytes", settings.holdBytes()).build());
        lostInUnwritten += lost;
        lost = 0;
        return rec;
    }

    private void add(Map<String, Object> rec) {
        add(rec, AuditChain.seal(rec, digest));
    }

    private void add(Map<String, Object> rec, AuditChain.Sealed sealed) {
        unwritten.writeBytes(sealed.bytes());
        unwrittenCount++;
        seq++;
        prev = sealed.hash();
        if (!followers.isEmpty()) {
            rec.put("hash", sealed.hash());
            unwrittenRecords.add(rec);
        }
    }

    private void append(AuditEvent event) {
        add(stamp(event));
    }

    /**
     * Closes the live file under a new name and begins a new one whose first record links back to
     * it; then deletes the oldest rotated files beyond {@link Settings#keep()}, recording each.
     * When the rename fails the log goes on in the same file, says so, and tries again later.
     */
    private boolean rotate() {
        Path rotated;
        try {
            if (channel != null) {
                channel.force(true);
                channel.close();
                channel = null;
            }
            Instant at = clock.wallTime();
            rotated = file.resolveSibling(AuditFiles.rotatedName(file, at));
            while (Files.exists(rotated)) {
                at = at.plusMillis(1);
                rotated = file.resolveSibling(AuditFiles.rotatedName(file, at));
            }
            Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (channel != null && !channel.isOpen()) channel = null;
            rotateAfter = clock.nanos() + ROTATE_RETRY_NANOS;
            log.warn("cannot rotate audit log {}: {}; it goes on past its size limit", file, describe(e));
            append(AuditEvent.of("audit.error").with("action", "rotate").with("error", describe(e)).build());
            return false;
        }
        size = 0;
        syncDirectory();
        rotatedRecord(rotated.getFileName().toString());
        prune();
        return true;
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

    private void openLive() throws IOException {
        boolean created = !Files.exists(file);
        channel = opener.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (created) {
            modes.file(file);
            syncDirectory();
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
     * Finds where the chain goes on: after the last whole record of the live file. A last line
     * without its newline is a record torn by a crash: before anything is appended it is moved to
     * a side file (kept for the auditor), so the chain stays verifiable. Reads only the end of the file.
     */
    private void findTail() throws IOException {
        if (!Files.exists(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = ch.size();
            long whole = end == 0 ? 0 : AuditFiles.lastNewline(ch, end) + 1;
            if (whole < end) {
                torn = new Torn(whole, end, file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis()));
            }
            size = whole;
        }
        if (size > 0) pickUp(file);
    }

    /** Copies the torn tail to its side file, then cuts it from the live file. */
    private void setTornAside() throws IOException {
        boolean created = !Files.exists(torn.side());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel side = opener.open(torn.side(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            if (created) modes.file(torn.side());
            for (long at = torn.from(); at < torn.end(); ) at += in.transferTo(at, torn.end() - at, side);
            side.force(true);
        }
        syncDirectory();
        channel.truncate(torn.from());
        channel.force(true);
        torn = null;
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

    /** Writes what it can; records the disk still refuses are lost with had's stop, and the journal says so. */
    @Override
    public synchronized void close() {
        if (commit(true) instanceof Commit.Held h) {
            log.error("audit log {}: {} record(s) could not be written before had stopped and are lost: {}", file,
                    h.records() + lost, h.reason());
        }
        closeQuietly(channel);
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // already failing
        }
    }
}
