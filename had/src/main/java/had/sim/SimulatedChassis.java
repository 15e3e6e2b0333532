package had.sim;

import had.audit.AuditLog;
import had.backplane.bridge.BridgeBackplane;
import had.config.ChassisConfig;
import had.core.Settings;
import had.daemon.Daemon;
import had.drivers.sim.SimDrivers;
import had.network.sim.SimNetwork;
import had.os.FileModes;
import had.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * had on the simulated chassis: picmg-bridge's simulated backplane (through the same native
 * binding as production), the in-memory bonding driver, simulated modules, and a real audit log.
 * Drills and tests drive the chassis through the backplane's control socket.
 */
public final class SimulatedChassis implements AutoCloseable {
    /**
     * How long the simulated kernel takes to notice that a yanked card is gone (and to unregister
     * a pulled card's interfaces). The system property {@code had.sim.unregister-ms} changes it:
     * the soak benchmark runs its 10,000 cycles with 20 ms (the same work each cycle, less waiting).
     */
    public static final long UNREGISTER_DELAY_MS = Long.getLong("had.sim.unregister-ms", 300);
    private static final long MONITOR_TICK_MS = 5;
    private static final long PROBE_MS = 20;

    private final Path socket;
    private final SimNetwork network;
    private final SimDrivers drivers;
    private final Daemon daemon;

    private SimulatedChassis(Path socket, SimNetwork network, SimDrivers drivers, Daemon daemon) {
        this.socket = socket;
        this.network = network;
        this.drivers = drivers;
        this.daemon = daemon;
    }

    /** Starts had on a simulated chassis with the slots of {@code config}; files go to {@code runDir}. */
    public static SimulatedChassis start(ChassisConfig config, Settings settings, Path runDir, Path auditFile) {
        return start(config, settings, runDir, auditFile, AuditLog.Settings.DEFAULT);
    }

    /** The same, with the audit log's rotation and heartbeat settings. */
    public static SimulatedChassis start(ChassisConfig config, Settings settings, Path runDir, Path auditFile,
                                         AuditLog.Settings auditSettings) {
        return start(config, settings, runDir, auditFile, auditSettings, "");
    }

    /**
     * The same, with more options for the simulated backplane ({@code "paths=packet"}: the real
     * packet prober on interfaces of the same names, next to the simulated slots).
     */
    public static SimulatedChassis start(ChassisConfig config, Settings settings, Path runDir, Path auditFile,
                                         AuditLog.Settings auditSettings, String bridgeOptions) {
        createRunDir(runDir);
        return start(config, settings, runDir, new AuditLog(auditFile, Clock.SYSTEM, auditSettings), bridgeOptions);
    }

    /** The same with an audit log of the caller's (on a file system a test fills, say). */
    public static SimulatedChassis start(ChassisConfig config, Settings settings, Path runDir, AuditLog audit,
                                         String bridgeOptions) {
        createRunDir(runDir);
        Path socket = runDir.resolve("sim.sock");
        String slots = config.slots().keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
        BridgeBackplane bridge = BridgeBackplane.openSim("slots=" + slots + ";socket=" + socket + ";probe_ms=" + PROBE_MS
                + (bridgeOptions.isEmpty() ? "" : ";" + bridgeOptions));
        SimNetwork network = new SimNetwork(Clock.SYSTEM);
        SimulatedKernel kernel = new SimulatedKernel(bridge, network, UNREGISTER_DELAY_MS, MONITOR_TICK_MS);
        SimDrivers drivers = new SimDrivers(config.drivers(), kernel);
        Daemon daemon = new Daemon(config, settings, kernel, network, drivers, audit, Clock.SYSTEM);
        // The bonding driver changed something by itself: let the core look.
        network.onChange(change -> daemon.loop().post(() -> { }));
        daemon.start("simulated chassis");
        return new SimulatedChassis(socket, network, drivers, daemon);
    }

    /** The state directory of the simulated chassis (its sockets, usually its audit log): 0750, as had's own. */
    private static void createRunDir(Path runDir) {
        try {
            FileModes.standard().createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir + ": " + e.getMessage(), e);
        }
    }

    public Path controlSocket() {
        return socket;
    }

    public SimNetwork network() {
        return network;
    }

    public SimDrivers drivers() {
        return drivers;
    }

    public Daemon daemon() {
        return daemon;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
