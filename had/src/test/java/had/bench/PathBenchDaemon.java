package had.bench;

import had.audit.AuditLog;
import had.config.ConfigError;
import had.config.LoadResult;
import had.config.ConfigLoader;
import had.core.Settings;
import had.daemon.Service;
import had.sim.SimulatedChassis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The daemon {@link PathBench} measures, as a process of its own: had on the simulated chassis
 * (the daemon, its event loop, the real audit log, the control socket hadctl talks to), with the
 * real packet prober on the interfaces of the network namespace it is started in. Arguments:
 * HAD_CONF DRIVERS_CONF STATE_DIR. Prints "ready SIM_SOCKET HAD_SOCKET" once both sockets are
 * open, and stops when its standard input is closed.
 */
public final class PathBenchDaemon {
    private PathBenchDaemon() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: PathBenchDaemon HAD_CONF DRIVERS_CONF STATE_DIR");
            System.exit(2);
        }
        Path hadConf = Path.of(args[0]), driversConf = Path.of(args[1]), dir = Path.of(args[2]);
        LoadResult loaded = new ConfigLoader().load(hadConf, driversConf);
        for (ConfigError w : loaded.warnings()) System.err.println(w + " (warning)");
        if (!loaded.ok()) {
            for (ConfigError e : loaded.errors()) System.err.println(e);
            System.exit(2);
        }
        SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), Settings.DEFAULT, dir, dir.resolve("audit.log"),
                AuditLog.Settings.DEFAULT, "paths=packet");
        Service service = Service.start(chassis.daemon(),
                Service.Settings.of(dir.resolve("had.sock"), hadConf, driversConf, "simulated", chassis.controlSocket()));
        System.out.println("ready " + chassis.controlSocket() + " " + service.socket());
        System.out.flush();
        // The parent's end of the pipe: closed on purpose or because the parent died.
        InputStream in = System.in;
        while (in.read() >= 0) {
            // nothing is ever sent; only the end counts
        }
        service.close();
        chassis.close();
        System.exit(0);
    }
}
