package had.core;

/**
 * Timing of the slot life cycle.
 *
 * @param portTimeoutMs how long an inserted card's ports may take to appear once its driver is
 *                      loaded before the slot is FAILED
 * @param quiesceMs     how long a card being extracted stays in its bonds after the active slave
 *                      moved away, so switches learn the new path before the old one goes; the
 *                      handle closed within this window cancels the extraction cleanly
 */
public record Settings(long portTimeoutMs, long quiesceMs) {
    public static final Settings DEFAULT = new Settings(10_000, 200);

    public Settings {
        if (portTimeoutMs <= 0) throw new IllegalArgumentException("port timeout must be positive");
        if (quiesceMs < 0) throw new IllegalArgumentException("quiesce time must not be negative");
    }
}
