package had.cli;

import had.audit.AuditLog;
import had.config.ConfigError;
import had.config.ConfigLoader;
import had.core.Settings;
import java.nio.file.Path;

/**
 * had's command line, checked once by {@link #parse} and sealed. Every mistake is a
 * {@link UsageException} that says what to do. {@code aerIntervalMs} is how often the kernel
 * backplane reads each card's AER counters (picmg-bridge's aer_ms).
 */
record Options(Path hadConf, Path driversConf, boolean check, boolean simulate, String scenario, boolean exitAfterScenario,
               Path stateDir, Path socket, Path sysfsRoot, boolean help, Settings settings, AuditLog.Settings auditSettings,
               long aerIntervalMs) {
    static final String USAGE = """
            usage: had [OPTIONS]
              -c, --config FILE      had.conf (default /etc/had.conf)
              -d, --drivers FILE     pcidrivers.conf (default /etc/pcidrivers.conf)
                  --check            check both files, print every error as FILE:LINE: message, exit 0 or 2
                  --simulate         run on a simulated chassis (picmg-bridge's simulated backplane and
                                     an in-memory bonding driver) instead of this machine's kernel
                  --scenario NAME    with --simulate: play a built-in scenario (demo), then keep running
                  --exit-after-scenario   stop once the scenario is done
                  --state-dir DIR    where the audit log and sockets live (default /var/lib/had;
                                     build/run with --simulate)
                  --socket PATH      the control socket hadctl talks to (default /run/had/had.sock;
                                     STATE-DIR/had.sock with --simulate)
                  --sysfs-root DIR   root of /sys for the kernel backplane and drivers (default /)
                  --port-timeout MS  how long a card's ports may take to appear (default 10000)
                  --quiesce MS       how long an extracted card stays in its bonds after the
                                     hand-over (default 200)
                  --audit-max-bytes N  rotate the audit log before it grows past N bytes (default
                                     16777216; suffixes k, M, G)
                  --audit-keep N     rotated audit files to keep, oldest deleted first (default 32;
                                     0 keeps all)
                  --audit-hold N     bytes of audit records to hold in memory while the disk refuses
                                     them (default 1M); beyond, they are counted by audit.lost
                  --audit-reserve N  room set aside next to the audit log and given to it when its
                                     file system fills (default 64k; 0: none)
                  --heartbeat SECONDS  record daemon.heartbeat this often (default 60; 0: never)
                  --aer-interval MS  read each card's PCIe AER error counters this often (default
                                     1000; 0: only when the kernel reports an error)
              -h, --help             this text
            exit status: 0 stopped cleanly, 1 could not run, 2 usage or configuration error""";

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        Path hadConf = ConfigLoader.DEFAULT_HAD_CONF;
        Path driversConf = ConfigLoader.DEFAULT_DRIVERS_CONF;
        boolean check = false, simulate = false, exitAfterScenario = false, help = false;
        String scenario = null;
        Path stateDir = null, socket = null, sysfsRoot = Path.of("/");
        long portTimeoutMs = Settings.DEFAULT.portTimeoutMs();
        long quiesceMs = Settings.DEFAULT.quiesceMs();
        AuditLog.Settings audit = AuditLog.Settings.DEFAULT;
        long auditMaxBytes = audit.maxBytes(), auditHoldBytes = audit.holdBytes(), auditReserveBytes = audit.reserveBytes();
        int auditKeep = audit.keep();
        long heartbeatMillis = audit.heartbeatMillis();
        long aerIntervalMs = 1000;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c", "--config" -> hadConf = Path.of(value(args, ++i, a));
                case "-d", "--drivers" -> driversConf = Path.of(value(args, ++i, a));
                case "--check" -> check = true;
                case "--simulate" -> simulate = true;
                case "--scenario" -> scenario = value(args, ++i, a);
                case "--exit-after-scenario" -> exitAfterScenario = true;
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, a));
                case "--socket" -> socket = Path.of(value(args, ++i, a));
                case "--sysfs-root" -> sysfsRoot = Path.of(value(args, ++i, a));
                case "--port-timeout" -> portTimeoutMs = millis(value(args, ++i, a), a, 1);
                case "--quiesce" -> quiesceMs = millis(value(args, ++i, a), a, 0);
                case "--audit-max-bytes" -> auditMaxBytes = bytes(value(args, ++i, a), a, 4096);
                case "--audit-hold" -> auditHoldBytes = bytes(value(args, ++i, a), a, 4096);
                case "--audit-reserve" -> auditReserveBytes = bytes(value(args, ++i, a), a, 0);
                case "--audit-keep" -> auditKeep = (int) number(value(args, ++i, a), a, 0, 100_000);
                case "--heartbeat" -> heartbeatMillis = number(value(args, ++i, a), a, 0, 86_400) * 1000;
                case "--aer-interval" -> aerIntervalMs = millis(value(args, ++i, a), a, 0);
                case "-h", "--help" -> help = true;
                default -> throw new UsageException((a.startsWith("-") ? "unknown option " : "unexpected argument ")
                        + ConfigError.printable(a));
            }
        }
        if (scenario != null && !simulate) throw new UsageException("--scenario needs --simulate");
        if (scenario != null && !scenario.equals("demo")) {
            throw new UsageException("unknown scenario " + scenario + " (built in: demo)");
        }
        if (stateDir == null) stateDir = simulate ? Path.of("build/run") : Path.of("/var/lib/had");
        if (socket == null) socket = simulate ? stateDir.resolve("had.sock") : Path.of("/run/had/had.sock");
        return new Options(hadConf, driversConf, check, simulate, scenario, exitAfterScenario, stateDir, socket, sysfsRoot,
                help, new Settings(portTimeoutMs, quiesceMs),
                new AuditLog.Settings(auditMaxBytes, auditKeep, heartbeatMillis, auditHoldBytes, auditReserveBytes), aerIntervalMs);
    }

    private static long number(String v, String option, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(option + " takes a number from " + min + " to " + max + ", not '" + v + "'");
    }

    private static long bytes(String v, String option, long min) throws UsageException {
        long unit = 1;
        String digits = v;
        if (!v.isEmpty()) {
            switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> { }
            }
            if (unit > 1) digits = v.substring(0, v.length() - 1);
        }
        try {
            long n = Math.multiplyExact(Long.parseLong(digits), unit);
            if (n >= min) return n;
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the message
        }
        throw new UsageException(option + " takes a size of at least " + min + " bytes (e.g. 16M), not '" + v + "'");
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) throw new UsageException(option + " needs a value");
        return args[i];
    }

    private static long millis(String v, String option, long min) throws UsageException {
        try {
            long ms = Long.parseLong(v);
            if (ms >= min && ms <= 3_600_000) return ms;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(option + " takes milliseconds, " + min + " to 3600000, not '" + v + "'");
    }
}
