package had.daemon;

import had.os.UnixDatagram;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notification protocol (sd_notify(3)) without libsystemd: one datagram per message to
 * the socket named in NOTIFY_SOCKET. had sends READY=1 once the first inventory is reconciled,
 * STATUS= when the one-line summary changes, WATCHDOG=1 while its event loop runs, STOPPING=1
 * on the way out. Without NOTIFY_SOCKET (not started by systemd, or Type=simple) it does nothing.
 */
final class SdNotify implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SdNotify.class);

    private final String address;
    private final long watchdogMicros;
    private UnixDatagram socket;
    private boolean warned;

    private SdNotify(String address, long watchdogMicros) {
        this.address = address;
        this.watchdogMicros = watchdogMicros;
    }

    /** From the environment systemd gives a service; {@code null} when there is nobody to notify. */
    static SdNotify fromEnvironment(Map<String, String> env) {
        String address = env.get("NOTIFY_SOCKET");
        if (address == null || address.isEmpty()) return null;
        if (!address.startsWith("/") && !address.startsWith("@")) {
            log.warn("NOTIFY_SOCKET={} is neither a path nor an abstract name; not notifying systemd", address);
            return null;
        }
        return new SdNotify(address, watchdogMicros(env));
    }

    /** WATCHDOG_USEC, if it is meant for this process (WATCHDOG_PID absent or ours); else 0. */
    static long watchdogMicros(Map<String, String> env) {
        String pid = env.get("WATCHDOG_PID");
        if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) return 0;
        try {
            long usec = Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0"));
            return Math.max(0, usec);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** 0 when systemd watches nothing; else how often to send WATCHDOG=1 (half the timeout). */
    long watchdogIntervalMillis() {
        return watchdogMicros == 0 ? 0 : Math.max(1, watchdogMicros / 2000);
    }

    String address() {
        return address;
    }

    /** Sends one message ("READY=1", "STATUS=...", several separated by newlines). Never throws. */
    synchronized void send(String message) {
        try {
            if (socket == null) socket = UnixDatagram.open();
            socket.send(address, message);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (!warned) log.warn("cannot notify systemd at {}: {}", address, e.getMessage());
            warned = true;
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) socket.close();
        socket = null;
    }
}
