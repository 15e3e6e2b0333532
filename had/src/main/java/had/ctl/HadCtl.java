package had.ctl;

import had.audit.AuditVerify;
import had.config.ConfigError;
import had.control.ControlClient;
import had.json.Json;
import had.os.ExitStatus;
import had.report.ReportCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hadctl}: asks the running had (over its control socket) what it sees and tells it what
 * to do. Every subcommand is one entry of {@link #COMMANDS}; adding one is one
 * {@link #register} line.
 */
public final class HadCtl {
    public static final int EXIT_OK = ExitStatus.OK;
    public static final int EXIT_FAILED = ExitStatus.FAILED;
    public static final int EXIT_USAGE = ExitStatus.USAGE;
    public static final int EXIT_UNREACHABLE = ExitStatus.UNREACHABLE;

    public static final Path DEFAULT_SOCKET = Path.of("/run/had/had.sock");
    public static final String SOCKET_ENV = "HADCTL_SOCKET";
    static final long TIMEOUT_MS = 30_000;

    /** A wrong command line; the message says what is wrong. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** One subcommand: reads its own arguments, talks to had through {@link Context}, returns the exit status. */
    @FunctionalInterface
    public interface Subcommand {
        int run(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused;
    }

    /**
     * A registered subcommand, its line in the help text, and what {@code hadctl NAME --help}
     * prints: {@code help}, or when null a usage line made of the other two.
     */
    public record Entry(String name, String args, String summary, String help, Subcommand command) {
        public String helpText() {
            if (help != null) return help;
            return String.format("usage: hadctl [--socket PATH] [--json] %s%s%n  %s%n", name, args.isEmpty() ? "" : " " + args, summary)
                    + "exit status: 0 done, 1 refused or failed, 2 usage error, 3 cannot reach had (hadctl --help)";
        }
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        register("status", "", "had's version, mode, configuration files (with SHA-256), uptime", HadCtl::status);
        register("slots", "", "each slot: state (and its HPI hot-swap state), reason, card, ports, modules, LED, attention", HadCtl::slots);
        register("bonds", "", "each bond: mode, state, working slaves, active slave, options", HadCtl::bonds);
        register("extract", "SLOT [--force]", "extract a card as its opened handle would; --force: even a bond's last"
                + " working slave", HadCtl::extract);
        register("cancel", "SLOT", "cancel an extraction (or withdraw a refused one)", HadCtl::cancel);
        register("insert", "SLOT", "admit the card waiting in a manual slot, or power a slot on",
                HadCtl::insert);
        register("clear", "SLOT", "put the slot's quarantined (flapping) ports back in service now", HadCtl::clear);
        register("reload", "", "re-read had.conf and pcidrivers.conf; a file with errors is refused", HadCtl::reload);
        register("audit", "verify [FILE...]", "check the audit log's hash chain (default /var/lib/had/audit.log)",
                AuditVerify.USAGE, HadCtl::audit);
        register("report", "[OPTS] [FILE...]", "availability, outages, MTTR from the audit log (report --help)",
                ReportCommand.USAGE, HadCtl::report);
        register("drill", "FILE [OPTS]", "run a drill (had/doc/drills.md) against had; --non-interactive: no prompts;"
                + " --performer PROGRAM: it does the physical steps; exit 0 passed, 1 failed",
                DrillCommand::run);
    }

    /** The subcommands' names, in the help text's order. */
    public static synchronized List<String> commandNames() {
        return List.copyOf(COMMANDS.keySet());
    }

    /** Adds a subcommand (hadctl audit, drill, report, ...). */
    public static void register(String name, String args, String summary, Subcommand command) {
        register(name, args, summary, null, command);
    }

    /** The same, with the text {@code hadctl NAME --help} prints. */
    public static synchronized void register(String name, String args, String summary, String help, Subcommand command) {
        COMMANDS.put(name, new Entry(name, args, summary, help, command));
    }

    /** What a subcommand works with: the output streams, --json, and the way to had. */
    public static final class Context {
        public final PrintStream out;
        public final PrintStream err;
        public final boolean json;
        public final Path socket;

        Context(PrintStream out, PrintStream err, boolean json, Path socket) {
            this.out = out;
            this.err = err;
            this.json = json;
            this.socket = socket;
        }

        /** Sends one request to had and returns its result. */
        public Map<String, Object> call(String cmd, Map<String, Object> args)
                throws ControlClient.Unreachable, ControlClient.Refused {
            try (ControlClient c = ControlClient.connect(socket, TIMEOUT_MS)) {
                return c.call(cmd, args);
            }
        }

        /** Prints a result as JSON (one line), for tools. */
        public void printJson(Object result) {
            out.println(Json.write(result));
        }
    }

    private HadCtl() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv(SOCKET_ENV)));
    }

    /** hadctl with {@code args}; {@code envSocket} is $HADCTL_SOCKET (or null). Returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err, String envSocket) {
        boolean json = false;
        Path socket = envSocket == null || envSocket.isEmpty() ? DEFAULT_SOCKET : Path.of(envSocket);
        String name = null;
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--json")) {
                    json = true;
                } else if (a.equals("--socket")) {
                    if (++i >= args.length || args[i].isEmpty()) throw new UsageException("--socket needs a path");
                    socket = Path.of(args[i]);
                } else if (a.startsWith("--socket=")) {
                    socket = Path.of(a.substring("--socket=".length()));
                } else if (name == null && (a.equals("-h") || a.equals("--help") || a.equals("help"))) {
                    out.print(usage());
                    return EXIT_OK;
                } else if (name == null) {
                    if (a.startsWith("-")) throw new UsageException("unknown option " + ConfigError.printable(a));
                    name = a;
                } else {
                    rest.add(a);
                }
            }
            if (name == null) throw new UsageException("no command given");
            Entry e;
            synchronized (HadCtl.class) {
                e = COMMANDS.get(name);
            }
            if (e == null) throw new UsageException("unknown command '" + ConfigError.printable(name) + "'");
            if (asksForHelp(rest)) {
                out.println(e.helpText());
                return EXIT_OK;
            }
            return e.command().run(new Context(out, err, json, socket), rest);
        } catch (UsageException e) {
            err.println("hadctl: " + e.getMessage());
            err.println("Try 'hadctl --help'.");
            return EXIT_USAGE;
        } catch (ControlClient.Unreachable e) {
            err.println("hadctl: cannot reach had: " + e.getMessage());
            return EXIT_UNREACHABLE;
        } catch (ControlClient.Refused e) {
            err.println("hadctl: " + e.getMessage());
            for (String d : e.details()) err.println("  " + d);
            return switch (e.code()) {
                case "forbidden", "unavailable" -> EXIT_UNREACHABLE;
                case "bad-request", "unknown-command", "unsupported-version" -> EXIT_USAGE;
                default -> EXIT_FAILED;
            };
        }
    }

    /** -h or --help among a command's arguments (before a "--", after which arguments are data). */
    private static boolean asksForHelp(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals("-h") || a.equals("--help")) return true;
        }
        return false;
    }

    static synchronized String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: hadctl [--socket PATH] [--json] COMMAND [ARGS]\n\n");
        sb.append("Asks the running had what it sees, and tells it what to do.\n\ncommands:\n");
        for (Entry e : COMMANDS.values()) {
            String left = e.name() + (e.args().isEmpty() ? "" : " " + e.args());
            sb.append(String.format("  %-24s %s%n", left, e.summary()));
        }
        sb.append("""

                options:
                  --socket PATH   had's control socket (default /run/had/had.sock, or $HADCTL_SOCKET)
                  --json          print had's answer as one JSON object, for tools
                  -h, --help      this text

                exit status:
                  0  done
                  1  had refused, or the action failed (e.g. an extraction that would take a bond's
                     last working slave, or a configuration with errors)
                  2  usage error (wrong command line, unknown slot)
                  3  cannot reach had: no socket (had not running), permission denied (run as root or
                     as a member of the 'had' group), or no answer
                """);
        return sb.toString();
    }

    // ---- the built-in subcommands --------------------------------------------------------

    private static void noArgs(List<String> args) throws UsageException {
        if (!args.isEmpty()) throw new UsageException("unexpected argument " + args.get(0));
    }

    static int status(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        noArgs(args);
        Map<String, Object> r = ctx.call("status", Map.of());
        if (ctx.json) {
            ctx.printJson(r);
            return EXIT_OK;
        }
        ctx.out.println("had " + r.get("version") + ", " + r.get("mode") + ", pid " + r.get("pid") + ", up "
                + Tables.duration(num(r.get("uptime_s"))) + " (since " + r.get("started") + ")");
        ctx.out.println("slots: " + r.get("slots_active") + " of " + r.get("slots_configured") + " active");
        if (r.get("audit_log_state") instanceof Map<?, ?> a) ctx.out.println("audit log: " + a.get("summary"));
        Tables t = new Tables("WHAT", "PATH", "SHA-256");
        if (r.get("config") instanceof List<?> files) {
            for (Object o : files) {
                Map<?, ?> f = (Map<?, ?>) o;
                t.row("config", f.get("path"), f.get("sha256") == null ? "(unreadable)" : f.get("sha256"));
            }
        }
        t.row("audit log", r.get("audit_log"), "");
        t.row("control socket", r.get("control_socket"), "");
        if (r.get("sim_control_socket") != null) t.row("sim backplane", r.get("sim_control_socket"), "");
        t.print(ctx.out);
        return EXIT_OK;
    }

    static int slots(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        noArgs(args);
        Map<String, Object> r = ctx.call("slots", Map.of());
        if (ctx.json) {
            ctx.printJson(r);
            return EXIT_OK;
        }
        Tables t = new Tables("SLOT", "STATE", "HPI", "LED", "ATTN", "PORTS", "MODULES", "CARD", "REASON");
        for (Object o : (List<?>) r.getOrDefault("slots", List.of())) {
            Map<?, ?> s = (Map<?, ?>) o;
            List<String> ports = new ArrayList<>();
            List<?> quarantined = s.get("quarantined") instanceof List<?> q ? q : List.of();
            ((Map<?, ?>) s.get("ports")).forEach((k, v) -> ports.add(k + "=" + v
                    + (quarantined.stream().anyMatch(q -> String.valueOf(q).equals(String.valueOf(k))) ? "(quarantined)" : "")));
            List<String> card = new ArrayList<>();
            for (Object f : (List<?>) s.get("card")) card.add(String.valueOf(((Map<?, ?>) f).get("id")));
            t.row(s.get("slot"), s.get("state"), s.get("hpi_state"), onOff(s.get("led"), "blue"), onOff(s.get("attention"), "on"),
                    ports.isEmpty() ? "-" : String.join(" ", ports),
                    ((List<?>) s.get("modules")).isEmpty() ? "-" : join((List<?>) s.get("modules")),
                    card.isEmpty() ? "-" : String.join(",", card), reason(s));
        }
        t.print(ctx.out);
        return EXIT_OK;
    }

    /** The slot's reason; a card kept from traffic for its PCIe errors says so. */
    private static String reason(Map<?, ?> s) {
        String reason = s.get("reason") == null ? "" : String.valueOf(s.get("reason"));
        if (s.get("ailing") == null) return reason;
        return (reason.isEmpty() ? "" : reason + "; ") + "ailing, traffic moved off: " + s.get("ailing");
    }

    static int bonds(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        noArgs(args);
        Map<String, Object> r = ctx.call("bonds", Map.of());
        if (ctx.json) {
            ctx.printJson(r);
            return EXIT_OK;
        }
        boolean first = true;
        for (Object o : (List<?>) r.getOrDefault("bonds", List.of())) {
            Map<?, ?> b = (Map<?, ?>) o;
            if (!first) ctx.out.println();
            first = false;
            ctx.out.println(b.get("bond") + "  " + b.get("mode") + "  " + String.valueOf(b.get("state")).toUpperCase()
                    + "  " + b.get("working") + "/" + b.get("expected") + " working"
                    + (b.get("active_slave") == null ? "" : "  active " + b.get("active_slave"))
                    + (Boolean.TRUE.equals(b.get("exists")) ? "" : "  (not in the kernel)"));
            Map<?, ?> opts = (Map<?, ?>) b.get("options");
            List<String> shown = new ArrayList<>();
            opts.forEach((k, v) -> {
                if (v != null && !(v instanceof List<?> l && l.isEmpty())) shown.add(k + "=" + (v instanceof List<?> l ? join(l) : v));
            });
            ctx.out.println("  options: " + String.join(" ", shown));
            List<?> slaves = (List<?>) b.get("slaves");
            boolean supervised = slaves.stream().anyMatch(so -> ((Map<?, ?>) so).containsKey("path"));
            Tables t = supervised ? new Tables("  SLAVE", "SLOT", "PORT", "BOND-VIEW", "CARRIER", "PATH", "RTT", "WORKING")
                    : new Tables("  SLAVE", "SLOT", "PORT", "BOND-VIEW", "CARRIER", "WORKING");
            for (Object so : slaves) {
                Map<?, ?> s = (Map<?, ?>) so;
                List<Object> row = new ArrayList<>(List.of("  " + s.get("ifname"), s.get("slot") == null ? "-" : s.get("slot"),
                        s.get("port") == null ? "-" : s.get("port"),
                        Boolean.FALSE.equals(s.get("in_bond")) ? "released" : s.get("bond_view"),
                        Boolean.TRUE.equals(s.get("carrier")) ? "yes" : "NO"));
                if (supervised) {
                    row.add("down".equals(s.get("path")) ? "DOWN" : String.valueOf(s.get("path")));
                    row.add(s.get("rtt_ms") == null ? "-" : s.get("rtt_ms") + " ms");
                }
                row.add(Boolean.TRUE.equals(s.get("working")) ? "yes" : "NO");
                t.row(row.toArray());
            }
            t.print(ctx.out);
        }
        return EXIT_OK;
    }

    static int extract(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        boolean force = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--force") || a.equals("-f")) force = true;
            else rest.add(a);
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("slot", slot(rest, "extract"));
        req.put("force", force);
        return action(ctx, "extract", req);
    }

    static int cancel(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        return action(ctx, "cancel", Map.of("slot", slot(args, "cancel")));
    }

    static int clear(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        return action(ctx, "clear", Map.of("slot", slot(args, "clear")));
    }

    static int insert(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        return action(ctx, "insert", Map.of("slot", slot(args, "insert")));
    }

    private static int action(Context ctx, String cmd, Map<String, Object> req) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        Map<String, Object> r = ctx.call(cmd, req);
        if (ctx.json) ctx.printJson(r);
        else ctx.out.println("slot " + r.get("slot") + ": " + r.get("outcome") + " (now " + r.get("state") + ")");
        if (!ctx.json && r.get("audit_log") != null) ctx.err.println("hadctl: warning: audit log " + r.get("audit_log"));
        return EXIT_OK;
    }

    static int audit(Context ctx, List<String> args) throws UsageException {
        if (args.isEmpty() || !args.get(0).equals("verify")) throw new UsageException("audit takes verify [FILE...]");
        return new AuditVerify().run(args.subList(1, args.size()).toArray(String[]::new), ctx.out, ctx.err);
    }

    static int report(Context ctx, List<String> args) {
        return new ReportCommand().run(args.toArray(String[]::new), ctx.out, ctx.err);
    }

    static int reload(Context ctx, List<String> args) throws UsageException, ControlClient.Unreachable, ControlClient.Refused {
        noArgs(args);
        Map<String, Object> r = ctx.call("reload", Map.of());
        if (ctx.json) {
            ctx.printJson(r);
            return EXIT_OK;
        }
        for (Object w : (List<?>) r.getOrDefault("warnings", List.of())) ctx.err.println(w + " (warning)");
        ctx.out.println("configuration applied:");
        if (r.get("files") instanceof Map<?, ?> files) files.forEach((p, h) -> ctx.out.println("  " + p + "  sha256 " + h));
        return EXIT_OK;
    }

    private static long slot(List<String> args, String cmd) throws UsageException {
        if (args.size() != 1) throw new UsageException(cmd + " takes one slot number, e.g. hadctl " + cmd + " 12");
        try {
            long n = Long.parseLong(args.get(0));
            if (n >= 1 && n <= 255) return n;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException("'" + args.get(0) + "' is not a slot number");
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String onOff(Object v, String on) {
        return Boolean.TRUE.equals(v) ? on : "-";
    }

    private static String join(List<?> l) {
        List<String> s = new ArrayList<>();
        for (Object o : l) s.add(String.valueOf(o));
        return String.join(",", s);
    }
}
