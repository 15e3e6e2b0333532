package had.audit;

import had.os.FileModes;
import had.time.Clock;
import java.nio.file.Path;

/** A file system that fills up on demand, for tests outside this package (see {@link CountingChannel}). */
public final class TestDisk {
    private final CountingChannel.Counts counts = new CountingChannel.Counts();

    /** An audit log whose files live on this disk. */
    public AuditLog open(Path file, Clock clock, AuditLog.Settings settings) {
        return new AuditLog(file, clock, settings, counts.opener(), FileModes.standard());
    }

    /** Full from now on: nothing more fits. */
    public void fill() {
        counts.fill(0);
    }

    /** Room again, as after the operator freed some. */
    public void free() {
        counts.capacity = Long.MAX_VALUE;
    }
}
