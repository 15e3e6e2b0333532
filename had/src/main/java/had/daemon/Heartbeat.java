package had.daemon;

import had.audit.Audit;
import had.audit.AuditEvent;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code daemon.heartbeat} every interval, through the event loop: a heartbeat proves the
 * loop itself was turning, so a report can bound how long had was away (or stuck) after its last
 * record. An interval of 0 records none.
 */
final class Heartbeat implements AutoCloseable {
    private final Audit audit;
    private final EventLoop loop;
    private final long intervalMillis;
    private ScheduledExecutorService timer;

    Heartbeat(Audit audit, EventLoop loop, long intervalMillis) {
        this.audit = audit;
        this.loop = loop;
        this.intervalMillis = intervalMillis;
    }

    void start() {
        if (intervalMillis <= 0) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "had-heartbeat");
            t.setDaemon(true);
            return t;
        });
        AuditEvent beat = AuditEvent.of("daemon.heartbeat").with("interval_ms", intervalMillis).build();
        timer.scheduleAtFixedRate(() -> loop.post(() -> audit.record(beat)), intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
