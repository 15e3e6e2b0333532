package had.network.sim;

import had.time.Clock;
import java.time.Instant;

/** A clock that only moves when the test moves it. */
final class ManualClock implements Clock {
    private long nanos = 1_000_000_000L;

    @Override
    public synchronized long nanos() {
        return nanos;
    }

    @Override
    public synchronized Instant wallTime() {
        return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanos);
    }

    synchronized void advanceMillis(long ms) {
        nanos += ms * 1_000_000L;
    }
}
