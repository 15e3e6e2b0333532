package had.audit;

/**
 * The append-only audit log that availability reports are computed from.
 *
 * <p>Records are durable in groups: {@link #record} adds one to the current group, {@link #commit}
 * writes the group and forces it to disk, one write and one fsync however many records it holds.
 * Whoever owns the core writes the records ahead of anything they describe ({@link #writeAhead}:
 * in the file, in order, before the action) and commits before it is reported done: before the
 * next event is acted on, before a reply to a client, before the blue LED or READY. When the disk
 * does not take them, the records are held in memory, in order, and written as soon as it does;
 * the chassis acts all the same (see {@link Commit}).
 */
public interface Audit {
    void record(AuditEvent event);

    /**
     * Writes the records so far to the log without waiting for the disk: they outlive had, and
     * the next {@link #commit} makes them durable. Does nothing where there is no file.
     */
    default void writeAhead() {
    }

    /** Makes every record so far durable if the disk takes them; returns at once when there is none to write. */
    default Commit commit() {
        return Commit.DURABLE;
    }
}
