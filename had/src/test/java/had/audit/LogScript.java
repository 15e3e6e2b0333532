package had.audit;

import had.time.Clock;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes hand-made audit logs through the real {@link AuditLog}, with wall and monotonic time set
 * by the test: {@code run(...)} starts a daemon run (its own run id and monotonic base), {@code at}
 * moves time to so many seconds after the run's wall-clock start.
 */
public final class LogScript {
    public static final Instant ORIGIN = Instant.parse("2026-03-01T00:00:00Z");

    private final Path file;
    private final AuditLog.Settings settings;
    private final ScriptClock clock = new ScriptClock();
    private AuditLog log;
    private double runStart;

    public LogScript(Path file) {
        this(file, new AuditLog.Settings(16L << 20, 0, 0));
    }

    public LogScript(Path file, AuditLog.Settings settings) {
        this.file = file;
        this.settings = settings;
    }

    /** A clock a script sets: monotonic nanoseconds and wall time, each where it is put. */
    public static final class ScriptClock implements Clock {
        public long mono;
        public Instant wall = ORIGIN;

        @Override
        public long nanos() {
            return mono;
        }

        @Override
        public Instant wallTime() {
            return wall;
        }
    }

    /**
     * A new daemon run whose first record is {@code startSeconds} after {@link #ORIGIN} (wall time)
     * and whose monotonic clock reads {@code monoBaseSeconds} then (a new boot, say). Ends the run
     * before it without a daemon.stop record: call {@link #stop} first for a clean stop.
     */
    public LogScript run(double startSeconds, double monoBaseSeconds) {
        if (log != null) log.close();
        runStart = startSeconds;
        clock.wall = ORIGIN.plusNanos((long) (startSeconds * 1e9));
        clock.mono = (long) (monoBaseSeconds * 1e9);
        log = new AuditLog(file, clock, settings);
        return this;
    }

    /** The monotonic clock now, for records that name the time of an earlier kernel event. */
    public long mono() {
        return clock.mono;
    }

    /** Moves both clocks to {@code seconds} after {@link #ORIGIN}. */
    public LogScript at(double seconds) {
        long delta = (long) ((seconds - secondsNow()) * 1e9);
        clock.mono += delta;
        clock.wall = clock.wall.plusNanos(delta);
        return this;
    }

    /** Moves only the wall clock (an NTP step): durations must not change. */
    public LogScript stepWall(double seconds) {
        clock.wall = clock.wall.plusNanos((long) (seconds * 1e9));
        return this;
    }

    private double secondsNow() {
        return (clock.wall.getEpochSecond() - ORIGIN.getEpochSecond()) + (clock.wall.getNano() - ORIGIN.getNano()) / 1e9;
    }

    /** One record: type, then field name / value pairs. */
    public LogScript rec(String type, Object... fields) {
        AuditEvent.Builder b = AuditEvent.of(type);
        for (int i = 0; i < fields.length; i += 2) b.with((String) fields[i], fields[i + 1]);
        log.record(b.build());
        return this;
    }

    public LogScript bond(String name, boolean up, int working, int expected) {
        return rec("service.state", "service", name, "kind", "bond", "up", up, "working", working, "slaves", working,
                "expected", expected, "active", working > 0 ? "eth0" : null);
    }

    public LogScript start() {
        return rec("daemon.start", "mode", "test", "pid", 1);
    }

    public LogScript resync(int occupied) {
        return rec("backplane.resync", "occupied", occupied, "first", true);
    }

    public LogScript heartbeat() {
        return rec("daemon.heartbeat", "interval_ms", 60_000);
    }

    public LogScript stop() {
        rec("daemon.stop");
        log.close();
        log = null;
        return this;
    }

    /** Ends the run as a crash would: no daemon.stop. */
    public LogScript crash() {
        if (log != null) log.close();
        log = null;
        return this;
    }

    public AuditLog log() {
        return log;
    }

    public Path file() {
        return file;
    }
}
