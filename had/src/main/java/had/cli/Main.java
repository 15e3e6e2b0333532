package had.cli;

import had.audit.AuditLog;
import had.audit.AuditReader;
import had.backplane.bridge.BridgeBackplane;
import had.config.ConfigError;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.daemon.Daemon;
import had.daemon.Service;
import had.drivers.linux.ModprobeDrivers;
import had.network.linux.LinuxNetwork;
import had.os.ExitStatus;
import had.os.Modprobe;
import had.report.Availability;
import had.report.TextReport;
import had.sim.DemoScenario;
import had.sim.SimulatedChassis;
import had.time.Clock;
import java.io.IOException;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code had} command: the daemon, its simulated chassis, and {@code --check}. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    static final int EXIT_OK = ExitStatus.OK;
    static final int EXIT_FAILED = ExitStatus.FAILED;
    static final int EXIT_USAGE = ExitStatus.USAGE;

    private Main() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (!Termination.signalled()) System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println("had: " + e.getMessage());
            err.println(Options.USAGE);
            return EXIT_USAGE;
        }
        if (o.help()) {
            out.println(Options.USAGE);
            return EXIT_OK;
        }
        if (o.check()) return new CheckCommand().check(o.hadConf(), o.driversConf(), out, err);
        LoadResult loaded = new ConfigLoader().load(o.hadConf(), o.driversConf());
        for (ConfigError w : loaded.warnings()) err.println(w + " (warning)");
        if (!loaded.ok()) {
            for (ConfigError e : loaded.errors()) err.println(e);
            err.println("had: configuration refused (" + loaded.errors().size() + " error(s)); not starting");
            return EXIT_USAGE;
        }
        try {
            return o.simulate() ? simulate(o, loaded, out) : daemon(o, loaded);
        } catch (RuntimeException e) {
            err.println("had: " + e.getMessage());
            log.debug("start-up failed", e);
            return EXIT_FAILED;
        }
    }

    private static int simulate(Options o, LoadResult loaded, PrintStream out) {
        Termination termination = new Termination();
        out.println("had on a simulated chassis: " + o.hadConf() + ", " + o.driversConf());
        SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), o.settings(), o.stateDir(),
                o.stateDir().resolve("audit.log"), o.auditSettings());
        chassis.daemon().audit().follow(new Narrator(out));
        out.println("simulated backplane control socket: " + chassis.controlSocket());
        out.println("audit log: " + chassis.daemon().audit().file());
        Service service;
        try {
            service = Service.start(chassis.daemon(), service(o, "simulated", chassis.controlSocket()));
        } catch (RuntimeException e) {
            chassis.close();
            termination.finished();
            throw e;
        }
        out.println("had control socket: " + service.socket() + " (bin/hadctl --socket " + service.socket() + " status)");
        try {
            if (o.scenario() != null) {
                new DemoScenario(chassis, out, 1000).play(null);
                Thread.sleep(300);
                out.println();
                out.println("Availability over this run (from " + chassis.daemon().audit().file() + "):");
                out.print(summary(chassis.daemon().audit()));
                out.println();
                out.println("Verify the audit log's hash chain, and report availability from it:");
                out.println("  hadctl audit verify " + chassis.daemon().audit().file());
                out.println("  hadctl report --format html " + chassis.daemon().audit().file() + " > report.html");
            }
            if (o.exitAfterScenario()) return EXIT_OK;
            out.println();
            out.println("had keeps running on the simulated chassis; Ctrl-C stops it. Try:");
            out.println("  echo 'handle 12 open' | socat - UNIX-CONNECT:" + chassis.controlSocket());
            termination.await();
            return EXIT_OK;
        } catch (Exception e) {
            throw new IllegalStateException("scenario failed: " + e.getMessage(), e);
        } finally {
            service.close();
            chassis.close();
            termination.finished();
        }
    }

    /** Availability of this daemon run, read back from the audit log file itself. */
    static String summary(AuditLog audit) throws IOException {
        Availability a = new Availability();
        AuditReader.read(AuditReader.logSet(audit.file()), rec -> {
            if (audit.run().equals(rec.get("run"))) a.accept(rec);
        });
        return TextReport.render(a.finish());
    }

    private static int daemon(Options o, LoadResult loaded) {
        Termination termination = new Termination();
        try {
            BridgeBackplane backplane = BridgeBackplane.open("kernel", "root=" + o.sysfsRoot() + ";aer_ms=" + o.aerIntervalMs());
            AuditLog audit = new AuditLog(o.stateDir().resolve("audit.log"), Clock.SYSTEM, o.auditSettings());
            Modprobe modprobe = new Modprobe("modprobe");
            Daemon d = new Daemon(loaded.config(), o.settings(), backplane, new LinuxNetwork(modprobe),
                    new ModprobeDrivers(o.sysfsRoot(), modprobe), audit, Clock.SYSTEM);
            // The control socket first: a second had on the same chassis stops here, before touching it.
            Service service = Service.start(d, service(o, "kernel", null));
            try {
                d.start("kernel");
            } catch (RuntimeException e) {
                service.close();
                throw e;
            }
            log.info("had running: {} slots configured, audit log {}", loaded.config().slots().size(), audit.file());
            termination.await();
            service.close();
            d.close();
            return EXIT_OK;
        } finally {
            // Also when start-up fails: System.exit runs the shutdown hook, which waits for this.
            termination.finished();
        }
    }

    private static Service.Settings service(Options o, String mode, java.nio.file.Path simSocket) {
        return Service.Settings.of(o.socket(), o.hadConf(), o.driversConf(), mode, simSocket);
    }
}
