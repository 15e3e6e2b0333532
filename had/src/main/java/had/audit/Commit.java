package had.audit;

/**
 * What a commit came to. The core acts whatever it is: the chassis never waits for the disk. A
 * commit that wrote a record of records lost tells it so, because what those records said (a
 * service's state, a slot's) is unknown to a reader until it is recorded again.
 */
public sealed interface Commit {
    Durable DURABLE = new Durable();

    /** Every record so far is on disk. */
    record Durable() implements Commit {}

    /**
     * Every record so far is on disk, and with them an {@code audit.lost} record: {@code lost}
     * records could not be held while the log could not be written.
     */
    record Resumed(long lost) implements Commit {}

    /**
     * The disk did not take them: {@code records} records wait in memory, in order, and are written
     * (chained as recorded) as soon as it does.
     */
    record Held(int records, String reason) implements Commit {}
}
