package had.daemon;

import had.audit.AuditLog;
import had.control.AccessPolicy;
import had.control.ControlServer;
import had.core.BondView;
import had.core.Chassis;
import had.core.SlotState;
import had.config.ChassisConfig;
import had.config.MetricsConfig;
import had.metrics.ChassisMetrics;
import had.metrics.MetricsEndpoint;
import had.os.SignalDisposition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * had as an operated service, around a running {@link Daemon}: the control socket that hadctl
 * talks to, configuration reload (SIGHUP or {@code hadctl reload}), and systemd's notifications
 * (READY=1 once the first inventory is reconciled, STATUS=, WATCHDOG=1 while the event loop runs).
 */
public final class Service implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Service.class);
    public static final String VERSION = "0.1.0";
    /** How often STATUS= is refreshed when systemd watches nothing. */
    private static final long STATUS_MS = 2000;

    /**
     * How to run it. {@code simSocket} is the simulated backplane's control socket, or null;
     * {@code env} is where NOTIFY_SOCKET and WATCHDOG_USEC are read from; {@code sighup} installs
     * the SIGHUP handler (once per process: tests leave it off).
     */
    public record Settings(Path socket, AccessPolicy access, Path hadConf, Path driversConf, String mode,
                           Path simSocket, Map<String, String> env, boolean sighup, ControlServer.Limits limits,
                           long callTimeoutMs) {
        public static Settings of(Path socket, Path hadConf, Path driversConf, String mode, Path simSocket) {
            return new Settings(socket, AccessPolicy.standard(), hadConf, driversConf, mode, simSocket, System.getenv(),
                    true, ControlServer.Limits.standard(), ControlServer.Limits.REQUEST_TIMEOUT_MS);
        }

        public Settings withAccess(AccessPolicy a) {
            return new Settings(socket, a, hadConf, driversConf, mode, simSocket, env, sighup, limits, callTimeoutMs);
        }

        public Settings withEnv(Map<String, String> e, boolean installSighup) {
            return new Settings(socket, access, hadConf, driversConf, mode, simSocket, e, installSighup, limits,
                    callTimeoutMs);
        }
    }

    private final Daemon daemon;
    private final Reloader reloader;
    private final ControlServer server;
    private final SdNotify notify;
    /** The loop's timer for WATCHDOG=1 and STATUS=, or null when systemd watches nothing. */
    private AutoCloseable ticker;
    private final ExecutorService reloads;
    private final ChassisMetrics metrics;
    /** Null while had.conf has no [metrics] (or its address could not be bound). */
    private MetricsEndpoint endpoint;
    /** Set by close: a reload finishing after it opens no endpoint. */
    private boolean closed;
    private String lastStatus;

    private Service(Daemon daemon, Settings s) {
        this.daemon = daemon;
        this.reloader = new Reloader(daemon, s.hadConf(), s.driversConf(), s.callTimeoutMs());
        this.notify = SdNotify.fromEnvironment(s.env());
        this.reloads = Executors.newSingleThreadExecutor(r -> thread(r, "had-reload"));
        this.server = ControlServer.start(s.socket(), s.access(), new ControlCommands(daemon, s, reloader, reloads),
                s.limits().withRequestTimeout(s.callTimeoutMs()));
        this.metrics = new ChassisMetrics(daemon::view, daemon.availability(), daemon.audit(), reloader::applied,
                reloader::refused, VERSION);
        serveMetrics(daemon.startConfig().metrics());
        reloader.onApplied(this::reloaded);
    }

    /**
     * Serves metrics where {@code wanted} says, or nowhere (null). An address that cannot be bound
     * is logged and the chassis goes on without metrics: monitoring never keeps had from its job.
     */
    private synchronized void serveMetrics(MetricsConfig wanted) {
        if (closed) return;
        if (endpoint != null) {
            if (endpoint.config().equals(wanted)) return;
            endpoint.close();
            endpoint = null;
            log.info("metrics endpoint closed");
        }
        if (wanted == null) return;
        try {
            endpoint = MetricsEndpoint.start(wanted, metrics);
        } catch (IOException e) {
            log.error("{}; had runs without metrics until a reload names a free address", e.getMessage());
        }
    }

    private void reloaded(ChassisConfig next) {
        serveMetrics(next.metrics());
    }

    /** Starts the control socket, SIGHUP handling and notifications for a started daemon. */
    public static Service start(Daemon daemon, Settings s) {
        Service service = new Service(daemon, s);
        if (s.sighup()) service.installSighup();
        if (service.notify != null) service.startNotifying();
        return service;
    }

    public Path socket() {
        return server.path();
    }

    /**
     * SIGHUP: the signal thread only hands the reload over; the files are read on had-reload.
     * Started with SIGHUP ignored (nohup, a supervisor's setting), the JVM installs no handler yet
     * reports success, and {@code kill -HUP} would do nothing: the disposition is set back to the
     * default and the handler installed again. For the microseconds in between a SIGHUP would end
     * had, as one does before any handler is installed in a normal start. When that fails, or the
     * kernel still has SIGHUP ignored, had says so at start-up and points to hadctl reload.
     */
    private void installSighup() {
        sun.misc.Signal hup = new sun.misc.Signal("HUP");
        sun.misc.SignalHandler handler = sig -> reloads.execute(this::reloadOnSignal);
        try {
            if (sun.misc.Signal.handle(hup, handler) == sun.misc.SignalHandler.SIG_IGN) {
                SignalDisposition.reset(hup.getNumber());
                sun.misc.Signal.handle(hup, handler);
                log.info("SIGHUP was ignored when had started (nohup?); had handles it again: SIGHUP reloads the configuration");
            }
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("cannot handle SIGHUP ({}): kill -HUP will not reload the configuration; use hadctl reload",
                    e.getMessage());
            return;
        }
        if (SignalDisposition.ignored(hup.getNumber()).orElse(false)) {
            log.warn("SIGHUP stays ignored in this process: kill -HUP will not reload the configuration; use hadctl reload");
        }
    }

    private void reloadOnSignal() {
        try {
            reloader.reload("SIGHUP");
        } catch (RuntimeException e) {
            log.error("reload on SIGHUP failed: {}", e.getMessage());
        }
    }

    private void startNotifying() {
        log.info("notifying systemd at {}{}", notify.address(),
                notify.watchdogIntervalMillis() > 0 ? ", watchdog every " + notify.watchdogIntervalMillis() + " ms" : "");
        daemon.loop().call(c -> {
            c.onReady(() -> {
                lastStatus = statusLine(c, daemon.audit().health());
                notify.send("READY=1\nSTATUS=" + lastStatus);
            });
            return null;
        });
        long every = notify.watchdogIntervalMillis() > 0 ? notify.watchdogIntervalMillis() : STATUS_MS;
        ticker = daemon.loop().every(every, this::tick);
    }

    /**
     * The watchdog's keep-alive, on the event loop's own timer: a stuck loop sends none, and
     * systemd restarts had.
     */
    private void tick(Chassis c) {
        StringBuilder msg = new StringBuilder();
        if (notify.watchdogIntervalMillis() > 0) msg.append("WATCHDOG=1");
        String status = statusLine(c, daemon.audit().health());
        if (lastStatus != null && !status.equals(lastStatus)) {
            if (msg.length() > 0) msg.append('\n');
            msg.append("STATUS=").append(status);
            lastStatus = status;
        }
        if (msg.length() > 0) notify.send(msg.toString());
    }

    /**
     * "3 of 3 slots active; bonds: 1 up, 0 degraded, 0 down": what systemctl status shows, and the
     * audit log's trouble when it has some.
     */
    static String statusLine(Chassis c, AuditLog.Health audit) {
        long active = c.slots().stream().filter(s -> s.state() == SlotState.ACTIVE).count();
        int up = 0, degraded = 0, down = 0;
        for (BondView b : c.bonds()) {
            if (!b.up()) down++;
            else if (b.degraded()) degraded++;
            else up++;
        }
        return active + " of " + c.slots().size() + " slots active; bonds: " + up + " up, " + degraded + " degraded, "
                + down + " down" + (audit.troubled() ? "; audit log " + audit.describe() : "");
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Closes the control socket (and removes its file), stops the notifications. */
    @Override
    public void close() {
        synchronized (this) {
            serveMetrics(null);
            closed = true;
        }
        server.close();
        reloads.shutdownNow();
        if (ticker != null) {
            try {
                ticker.close();
            } catch (Exception e) {
                log.warn("stopping the watchdog timer: {}", e.toString());
            }
        }
        if (notify != null) {
            notify.send("STOPPING=1");
            notify.close();
        }
    }
}
