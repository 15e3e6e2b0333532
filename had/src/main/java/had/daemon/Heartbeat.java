package had.daemon;

import had.audit.Audit;
import had.audit.AuditEvent;

/**
 * Records {@code daemon.heartbeat} every interval, on the event loop's own timer: a heartbeat
 * proves the loop itself was turning, so a report can bound how long had was away (or stuck)
 * after its last record. An interval of 0 records none.
 */
final class Heartbeat implements AutoCloseable {
    private final Audit audit;
    private final EventLoop loop;
    private final long intervalMillis;
    private AutoCloseable timer;

    Heartbeat(Audit audit, EventLoop loop, long intervalMillis) {
        this.audit = audit;
        this.loop = loop;
        this.intervalMillis = intervalMillis;
    }

    void start() {
        if (intervalMillis <= 0) return;
        AuditEvent beat = AuditEvent.of("daemon.heartbeat").with("interval_ms", intervalMillis).build();
        timer = loop.every(intervalMillis, c -> audit.record(beat));
    }

    @Override
    public void close() {
        if (timer == null) return;
        try {
            timer.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
