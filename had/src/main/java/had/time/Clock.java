package had.time;

import java.time.Instant;

/** Monotonic and wall time, so that tests and simulations control time. */
public interface Clock {
    /** Monotonic nanoseconds; only differences mean anything. */
    long nanos();

    Instant wallTime();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public Instant wallTime() {
            return Instant.now();
        }
    };
}
