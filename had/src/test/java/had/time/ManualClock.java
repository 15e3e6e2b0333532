package had.time;

import java.time.Instant;

/** A clock that only moves when the test moves it. */
public final class ManualClock implements Clock {
    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");
    private long nanos = 1_000_000_000L;

    @Override
    public synchronized long nanos() {
        return nanos;
    }

    @Override
    public synchronized Instant wallTime() {
        return ORIGIN.plusNanos(nanos);
    }

    public synchronized void advanceMillis(long ms) {
        nanos += ms * 1_000_000L;
    }
}
