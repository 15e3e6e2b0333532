package had.cli;

import had.config.ChassisConfig;
import had.config.ConfigError;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.os.ExitStatus;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code had --check [-c had.conf] [-d pcidrivers.conf]}: checks the configuration without
 * touching the chassis, as an operator does before a reload or in a package's postinst. Prints
 * every problem as {@code FILE:LINE: message} on stderr, then a one-line summary. Exit status 0
 * when valid (warnings allowed), 2 when invalid or when the command line is wrong, the same
 * status the daemon itself exits with on a bad file at start-up.
 */
public final class CheckCommand {
    public static final int OK = ExitStatus.OK;
    public static final int INVALID = ExitStatus.USAGE;
    public static final String USAGE = "usage: had --check [-c|--config had.conf] [-d|--drivers pcidrivers.conf]\n"
            + "  checks had.conf and pcidrivers.conf (defaults: " + ConfigLoader.DEFAULT_HAD_CONF + ", "
            + ConfigLoader.DEFAULT_DRIVERS_CONF + ")\n"
            + "  exit status: 0 valid, 2 invalid or usage error";

    private final ConfigLoader loader;

    public CheckCommand() {
        this(new ConfigLoader());
    }

    public CheckCommand(ConfigLoader loader) {
        this.loader = loader;
    }

    /** {@code args} may start with "--check" itself, so a dispatcher can pass its arguments through. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        Path hadConf = null;
        Path driversConf = null;
        int i = args.length > 0 && args[0].equals("--check") ? 1 : 0;
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return OK;
                }
                case "-c", "--config", "-d", "--drivers" -> {
                    if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                        return usage(err, a + " needs a file name");
                    }
                    boolean config = a.equals("-c") || a.equals("--config");
                    if ((config ? hadConf : driversConf) != null) {
                        return usage(err, a + " given twice");
                    }
                    Path p = Path.of(args[++i]);
                    if (config) hadConf = p; else driversConf = p;
                }
                default -> {
                    return usage(err, (a.startsWith("-") ? "unknown option " : "unexpected argument ") + a);
                }
            }
        }
        if (hadConf == null) hadConf = ConfigLoader.DEFAULT_HAD_CONF;
        if (driversConf == null) driversConf = ConfigLoader.DEFAULT_DRIVERS_CONF;
        return check(hadConf, driversConf, out, err);
    }

    /** Checks the two files, says what is wrong or what they hold; {@link #OK} or {@link #INVALID}. */
    public int check(Path hadConf, Path driversConf, PrintStream out, PrintStream err) {
        LoadResult result = loader.load(hadConf, driversConf);
        for (ConfigError e : result.errors()) err.println(e);
        for (ConfigError w : result.warnings()) err.println(asWarning(w));
        String files = hadConf + ", " + driversConf;
        if (!result.ok()) {
            err.println(files + ": " + count(result.errors().size(), "error") + ", "
                    + count(result.warnings().size(), "warning") + ": configuration refused");
            return INVALID;
        }
        ChassisConfig c = result.config();
        out.println(files + ": valid: " + count(c.bonds().size(), "bond") + ", " + count(c.configs().size(), "config")
                + ", " + count(c.slots().size(), "slot") + ", " + count(c.drivers().entries().size(), "driver")
                + (result.warnings().isEmpty() ? "" : ", " + count(result.warnings().size(), "warning")));
        return OK;
    }

    private static String asWarning(ConfigError w) {
        return w.line() > 0 ? w.file() + ":" + w.line() + ": warning: " + w.message()
                : w.file() + ": warning: " + w.message();
    }

    private static int usage(PrintStream err, String problem) {
        err.println("had --check: " + problem);
        err.println(USAGE);
        return INVALID;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
