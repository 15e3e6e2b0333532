package had.audit;

import had.os.FileModes;
import had.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room set aside next to the log ({@code NAME.reserve}, zeros) and given to it the moment its
 * file system is full, so that records go on being written, for about as many bytes as it held,
 * while the operator is told. It is set aside again once the file system has twice its size free,
 * so that taking it back never fills the file system by itself.
 *
 * <p>A file, not space preallocated inside the live file: deleting a file frees its room on every
 * file system, with nothing but the JDK, and the live file keeps ending at its last record.
 */
final class Reserve {
    private static final Logger log = LoggerFactory.getLogger(Reserve.class);

    private final Path logFile;
    private final Path path;
    private final long bytes;
    private final AuditLog.Opener opener;
    private final FileModes modes;
    private final Clock clock;
    private boolean held;
    private long nextTry;
    private boolean tried;
    /** Since when, and why, it is not set aside; null while it is (or none is wanted). */
    private Instant since;
    private String reason;

    Reserve(Path logFile, long bytes, AuditLog.Opener opener, FileModes modes, Clock clock) {
        this.logFile = logFile;
        this.path = logFile.resolveSibling(logFile.getFileName() + ".reserve");
        this.bytes = bytes;
        this.opener = opener;
        this.modes = modes;
        this.clock = clock;
    }

    /** Whether a reserve is wanted and is not set aside now. */
    boolean missing() {
        return bytes > 0 && !held;
    }

    long heldBytes() {
        return held ? bytes : 0;
    }

    Instant since() {
        return since;
    }

    String reason() {
        return reason;
    }

    /** Sets the room aside when it is not; tried at most once every {@link AuditLog#RETRY_NANOS}. */
    void tend() {
        if (bytes == 0 && !tried) {
            // Set aside by a run that wanted one: room nobody will use.
            tried = true;
            deleteQuietly();
        }
        if (bytes == 0 || held || (tried && clock.nanos() - nextTry < 0)) return;
        tried = true;
        nextTry = clock.nanos() + AuditLog.RETRY_NANOS;
        long usable;
        try {
            usable = Files.getFileStore(AuditFiles.dirOf(path)).getUsableSpace();
        } catch (IOException e) {
            usable = Long.MAX_VALUE;
        }
        if (usable < 2 * bytes) {
            missingBecause("the file system has " + usable + " bytes free, less than twice the reserve");
            return;
        }
        boolean created = !Files.exists(path);
        try (FileChannel ch = opener.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (created) modes.file(path);
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(bytes, 1 << 16));
            for (long left = bytes; left > 0; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                while (zeros.hasRemaining()) left -= ch.write(zeros);
            }
            ch.force(false);
        } catch (IOException e) {
            deleteQuietly();
            missingBecause("cannot set it aside: " + AuditLog.describe(e));
            return;
        }
        if (since != null) log.info("audit log reserve of {} bytes set aside again in {}", bytes, path);
        held = true;
        since = null;
        reason = null;
    }

    private void missingBecause(String why) {
        if (since == null) {
            since = clock.wallTime();
            log.warn("audit log reserve of {} bytes not set aside in {}: {}", bytes, path, why);
        }
        if (reason == null) reason = why;
    }

    /** Gives the room to the log, whose file system is full; false when there was none to give. */
    boolean release(String why) {
        if (!held) return false;
        held = false;
        tried = true;
        nextTry = clock.nanos() + AuditLog.RETRY_NANOS;
        since = clock.wallTime();
        reason = "given to the log when it could not write: " + why;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot give the audit log its reserve {}: {}", path, e.getMessage());
            return false;
        }
        log.error("audit log {} could not be written ({}): gave it its reserve of {} bytes, so records go on being"
                + " written for a while; free space on its file system", logFile, why, bytes);
        return true;
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next try writes it over
        }
    }
}
