package had.drill;

import had.audit.AuditLines;
import had.audit.AuditReader;
import had.control.ControlClient;
import had.os.ExitStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code hadctl drill FILE}: runs a drill (had/doc/drills.md) against the running had. The file is
 * parsed whole first; then each step is done in turn, physical steps by a {@link Performer}
 * chosen from what had's {@code status} says of the chassis, software steps by had over its
 * control socket. Every step and verdict goes into had's audit log (through its {@code record}
 * command); the run stops at the first step that fails, and ends with a summary.
 *
 * <p>Exit status: 0 every step passed, 1 a step failed (or had would not record the run), 2 a
 * syntax or usage error, 3 had cannot be reached.
 */
public final class DrillRunner {
    public static final int EXIT_PASSED = ExitStatus.OK;
    public static final int EXIT_FAILED = ExitStatus.FAILED;
    public static final int EXIT_USAGE = ExitStatus.USAGE;
    public static final int EXIT_UNREACHABLE = ExitStatus.UNREACHABLE;

    static final long POLL_MS = 50;
    static final long AUDIT_POLL_MS = 200;

    /** had's control socket, one request at a time. */
    public interface Had {
        Map<String, Object> call(String cmd, Map<String, Object> args) throws ControlClient.Unreachable, ControlClient.Refused;
    }

    /** Chooses the hands for physical steps from had's {@code status}; a lab adds its own mode here. */
    public interface PerformerChoice {
        Performer choose(Map<String, Object> status, boolean interactive);
    }

    /** Simulated chassis: its backplane control socket; anything else: the operator at a terminal. */
    public static PerformerChoice defaultChoice(BufferedReader in, PrintStream out) {
        return (status, interactive) -> {
            if ("simulated".equals(status.get("mode")) && status.get("sim_control_socket") instanceof String sock) {
                return new SimulatedPerformer(Path.of(sock));
            }
            return new OperatorPrompt(in, out, interactive);
        };
    }

    private final Had had;
    private final PrintStream out;
    private final PrintStream err;
    private final PerformerChoice choice;

    public DrillRunner(Had had, PrintStream out, PrintStream err, PerformerChoice choice) {
        this.had = had;
        this.out = out;
        this.err = err;
        this.choice = choice;
    }

    /** One step's result, for the summary. */
    record Result(Drill.Step step, String outcome, String detail, long ms) {}

    /** Parses and runs {@code file}; {@code interactive}: an operator can answer prompts. */
    public int run(Path file, boolean interactive) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("hadctl drill: cannot read " + file + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        DrillParser.Result parsed = DrillParser.parse(file.toString(), bytes);
        if (!parsed.ok()) {
            parsed.errors().forEach(err::println);
            err.println("hadctl drill: " + parsed.errors().size() + " error(s); nothing was done");
            return EXIT_USAGE;
        }
        try {
            return run(parsed.drill(), interactive);
        } catch (ControlClient.Unreachable e) {
            err.println("hadctl drill: cannot reach had: " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
    }

    int run(Drill drill, boolean interactive) throws ControlClient.Unreachable {
        Map<String, Object> status;
        try {
            status = had.call("status", Map.of());
        } catch (ControlClient.Refused e) {
            err.println("hadctl drill: had did not tell its status: " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
        String runId = UUID.randomUUID().toString();
        Path auditLog = status.get("audit_log") instanceof String s ? Path.of(s) : null;
        List<Result> results = new ArrayList<>();
        long started = System.nanoTime();
        try (Performer performer = choice.choose(status, interactive)) {
            out.println("drill " + drill.file() + " (sha256 " + drill.sha256() + "), " + drill.steps().size() + " steps, on "
                    + status.get("mode") + " chassis; physical steps: " + performer.name());
            Map<String, Object> start = fields(drill, runId);
            start.put("steps", drill.steps().size());
            start.put("mode", status.get("mode"));
            start.put("performer", performer.name());
            try {
                had.call("record", Map.of("type", "drill.start", "fields", start));
            } catch (ControlClient.Refused e) {
                err.println("hadctl drill: had will not record the drill, so it is not run: " + e.getMessage());
                return EXIT_FAILED;
            }
            Steps steps = new Steps(had, performer, auditLog, runId);
            boolean failed = false;
            for (Drill.Step step : drill.steps()) {
                if (failed) {
                    results.add(new Result(step, "skipped", "", 0));
                    continue;
                }
                out.printf("[%d/%d] line %d: %s%n", step.number(), drill.steps().size(), step.line(), step.text());
                long t0 = System.nanoTime();
                String outcome;
                String detail;
                try {
                    detail = steps.perform(step);
                    outcome = "passed";
                } catch (StepFailed e) {
                    detail = e.getMessage();
                    outcome = "failed";
                    failed = true;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                results.add(new Result(step, outcome, detail, ms));
                out.println("    " + outcome + " (" + seconds(ms) + ")" + (detail.isEmpty() ? "" : ": " + detail));
                boolean verdict = step.action() instanceof Drill.Wait || step.action() instanceof Drill.Expect;
                Map<String, Object> f = fields(drill, runId);
                f.put("step", step.number());
                f.put("line", step.line());
                f.put("text", step.text());
                f.put("outcome", outcome);
                if (!detail.isEmpty()) f.put("detail", detail);
                f.put("ms", ms);
                record(verdict ? "drill.verdict" : "drill.step", f);
            }
            long passed = results.stream().filter(r -> r.outcome().equals("passed")).count();
            long nFailed = results.stream().filter(r -> r.outcome().equals("failed")).count();
            long skipped = results.size() - passed - nFailed;
            Map<String, Object> end = fields(drill, runId);
            end.put("outcome", failed ? "failed" : "passed");
            end.put("passed", passed);
            end.put("failed", nFailed);
            end.put("skipped", skipped);
            results.stream().filter(r -> r.outcome().equals("failed")).findFirst().ifPresent(r -> {
                end.put("failed_step", r.step().number());
                end.put("failed_line", r.step().line());
                end.put("detail", r.detail());
            });
            end.put("ms", (System.nanoTime() - started) / 1_000_000);
            record("drill.end", end);
            summary(results, passed, nFailed, skipped);
            return failed ? EXIT_FAILED : EXIT_PASSED;
        }
    }

    private void record(String type, Map<String, Object> fields) throws ControlClient.Unreachable {
        try {
            had.call("record", Map.of("type", type, "fields", fields));
        } catch (ControlClient.Refused e) {
            err.println("hadctl drill: had did not record " + type + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> fields(Drill drill, String runId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("drill", drill.file());
        m.put("sha256", drill.sha256());
        m.put("drill_run", runId);
        return m;
    }

    private void summary(List<Result> results, long passed, long failed, long skipped) {
        out.println();
        String fmt = "%4s  %4s  %-7s  %8s  %s%n";
        out.printf(fmt, "STEP", "LINE", "RESULT", "TIME", "WHAT");
        for (Result r : results) {
            out.printf(fmt, r.step().number(), r.step().line(), r.outcome().toUpperCase(Locale.ROOT),
                    r.outcome().equals("skipped") ? "-" : seconds(r.ms()), r.step().text());
        }
        out.println();
        out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " not run" : ""));
        for (Result r : results) {
            if (r.outcome().equals("failed")) out.println("step " + r.step().number() + " (line " + r.step().line() + "): " + r.detail());
        }
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    /** Carries out steps and checks conditions. */
    static final class Steps {
        private final Had had;
        private final Performer performer;
        private final Path auditLog;
        private final String runId;

        Steps(Had had, Performer performer, Path auditLog, String runId) {
            this.had = had;
            this.performer = performer;
            this.auditLog = auditLog;
            this.runId = runId;
        }

        /** The last step that acted on the chassis (0: none yet): what a {@code wait} watches the effects of. */
        private int actingStep;

        /** Does the step; returns what there is to say about it (may be empty). */
        String perform(Drill.Step step) throws StepFailed, ControlClient.Unreachable {
            Drill.Action a = step.action();
            if (!(a instanceof Drill.Wait || a instanceof Drill.Expect || a instanceof Drill.Sleep)) actingStep = step.number();
            if (a instanceof Drill.Insert i) {
                performer.insert(i);
            } else if (a instanceof Drill.Handle h) {
                performer.handle(h.slot(), h.open());
            } else if (a instanceof Drill.Remove r) {
                if (r.planned()) {
                    Map<String, Object> s = slot(r.slot());
                    if (!"SAFE_TO_REMOVE".equals(s.get("state")) && !leftOnceSafe(r.slot())) {
                        throw new StepFailed("slot " + r.slot() + " is " + s.get("state") + ", not SAFE_TO_REMOVE: pulling"
                                + " it now would be a surprise removal (wait for SAFE_TO_REMOVE, or use yank)");
                    }
                }
                performer.remove(r.slot(), r.planned());
            } else if (a instanceof Drill.Link l) {
                performer.link(l.slot(), l.port(), l.up());
            } else if (a instanceof Drill.Path p) {
                performer.path(p.slot(), p.port(), p.up());
            } else if (a instanceof Drill.Aer e) {
                performer.aer(e.slot(), e.port(), e.kind(), e.count());
            } else if (a instanceof Drill.Extract e) {
                Map<String, Object> req = new LinkedHashMap<>();
                req.put("slot", (long) e.slot());
                req.put("force", e.force());
                try {
                    Map<String, Object> r = had.call("extract", req);
                    if (e.expectRefused()) {
                        throw new StepFailed("had was expected to refuse, but: " + r.get("outcome") + " (now " + r.get("state") + ")");
                    }
                    return r.get("outcome") + " (now " + r.get("state") + ")";
                } catch (ControlClient.Refused x) {
                    if (e.expectRefused() && x.code().equals("refused")) return "refused as expected: " + x.getMessage();
                    throw new StepFailed("had: " + x.getMessage());
                }
            } else if (a instanceof Drill.Cancel c) {
                return software("cancel", c.slot());
            } else if (a instanceof Drill.Clear c) {
                return software("clear", c.slot());
            } else if (a instanceof Drill.Admit p) {
                return software("insert", p.slot());
            } else if (a instanceof Drill.Sleep s) {
                sleep(s.ms());
            } else if (a instanceof Drill.Expect e) {
                Verdict v = check(e.condition());
                if (!v.holds()) throw new StepFailed("expected " + e.condition().text() + "; but " + v.seen());
                return v.seen();
            } else if (a instanceof Drill.Wait w) {
                long t0 = System.nanoTime();
                long deadline = t0 + w.withinMs() * 1_000_000;
                boolean audit = w.condition() instanceof Drill.Outage || w.condition() instanceof Drill.AddressIs;
                long historyAt = t0;
                for (;;) {
                    Verdict v = check(w.condition());
                    if (v.holds()) return v.seen();
                    boolean late = System.nanoTime() - deadline > 0;
                    if (hasHistory(w.condition()) && (late || System.nanoTime() - historyAt >= AUDIT_POLL_MS * 1_000_000)) {
                        historyAt = System.nanoTime();
                        Verdict h = reached(w.condition());
                        if (h.holds()) return h.seen() + "; now " + v.seen();
                    }
                    if (late) {
                        throw new StepFailed("waited " + seconds(w.withinMs()) + " for " + w.condition().text() + "; " + v.seen());
                    }
                    sleep(audit ? AUDIT_POLL_MS : POLL_MS);
                }
            } else {
                throw new IllegalStateException("a step the runner does not know: " + a);
            }
            return "";
        }

        private String software(String cmd, int slot) throws StepFailed, ControlClient.Unreachable {
            try {
                Map<String, Object> r = had.call(cmd, Map.of("slot", (long) slot));
                return r.get("outcome") + " (now " + r.get("state") + ")";
            } catch (ControlClient.Refused x) {
                throw new StepFailed("had: " + x.getMessage());
            }
        }

        private static void sleep(long ms) throws StepFailed {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("interrupted");
            }
        }

        /** Whether a condition holds, and what was seen. */
        record Verdict(boolean holds, String seen) {}

        Verdict check(Drill.Condition c) throws StepFailed, ControlClient.Unreachable {
            if (c instanceof Drill.SlotIs s) {
                Map<String, Object> v = slot(s.slot());
                Object reason = v.get("reason");
                return new Verdict(s.state().equals(v.get("state")), "slot " + s.slot() + " is " + v.get("state")
                        + (reason == null ? "" : " (" + reason + ")"));
            }
            if (c instanceof Drill.CardAiling s) {
                Object ailing = slot(s.slot()).get("ailing");
                return new Verdict((ailing != null) == s.ailing(), "slot " + s.slot() + "'s card is "
                        + (ailing == null ? "trusted" : "ailing: " + ailing));
            }
            if (c instanceof Drill.SlotIndicator s) {
                boolean on = Boolean.TRUE.equals(slot(s.slot()).get(s.indicator()));
                return new Verdict(on == s.on(), "slot " + s.slot() + " " + s.indicator() + " is " + (on ? "on" : "off"));
            }
            if (c instanceof Drill.BondWorking b) {
                long n = num(bond(b.bond()).get("working"));
                boolean holds = switch (b.op()) {
                    case ">=" -> n >= b.count();
                    case "<=" -> n <= b.count();
                    case "==" -> n == b.count();
                    case ">" -> n > b.count();
                    default -> n < b.count();
                };
                return new Verdict(holds, b.bond() + " has " + n + " working slave" + (n == 1 ? "" : "s"));
            }
            if (c instanceof Drill.BondActive b) {
                Map<String, Object> bond = bond(b.bond());
                Object active = bond.get("active_slave");
                if (active == null) return new Verdict(false, b.bond() + " has no active slave");
                for (Object o : (List<?>) bond.getOrDefault("slaves", List.of())) {
                    Map<?, ?> s = (Map<?, ?>) o;
                    if (active.equals(s.get("ifname"))) {
                        boolean holds = num(s.get("slot")) == b.slot() && num(s.get("port")) == b.port();
                        return new Verdict(holds, b.bond() + " active is " + active + " (slot " + s.get("slot") + " port "
                                + s.get("port") + ")");
                    }
                }
                return new Verdict(false, b.bond() + " active is " + active + " (on no slot)");
            }
            if (c instanceof Drill.BondIs b) {
                String state = String.valueOf(bond(b.bond()).get("state"));
                boolean holds = b.state().equals("up") ? !state.equals("down") : b.state().equals(state);
                return new Verdict(holds, b.bond() + " is " + state);
            }
            if (c instanceof Drill.PathIs p) return path(p);
            if (c instanceof Drill.Outage o) return outage(o);
            if (c instanceof Drill.AddressIs a) return address(a);
            throw new IllegalStateException("a condition the runner does not know: " + c);
        }

        Map<String, Object> slot(int n) throws StepFailed, ControlClient.Unreachable {
            for (Object o : (List<?>) ask("slots").getOrDefault("slots", List.of())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) o;
                if (num(s.get("slot")) == n) return s;
            }
            throw new StepFailed("had has no slot " + n + " (not in its had.conf)");
        }

        /** The port's path as the bonds' slave lists show it (a port in no supervised bond has none). */
        Verdict path(Drill.PathIs p) throws StepFailed, ControlClient.Unreachable {
            for (Object o : (List<?>) ask("bonds").getOrDefault("bonds", List.of())) {
                Object slaves = ((Map<?, ?>) o).get("slaves");
                for (Object so : slaves instanceof List<?> l ? l : List.of()) {
                    Map<?, ?> s = (Map<?, ?>) so;
                    if (s.get("slot") == null || num(s.get("slot")) != p.slot() || num(s.get("port")) != p.port()) continue;
                    if (!s.containsKey("path")) continue;
                    Object rtt = s.get("rtt_ms");
                    return new Verdict(p.state().equals(s.get("path")), "slot " + p.slot() + " port " + p.port() + " ("
                            + s.get("ifname") + ") path is " + s.get("path") + (rtt == null ? "" : ", rtt " + rtt + " ms"));
                }
            }
            return new Verdict(false, "slot " + p.slot() + " port " + p.port() + " is in no bond whose paths had supervises");
        }

        Map<String, Object> bond(String name) throws StepFailed, ControlClient.Unreachable {
            for (Object o : (List<?>) ask("bonds").getOrDefault("bonds", List.of())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) o;
                if (name.equals(b.get("bond"))) return b;
            }
            throw new StepFailed("had has no bond " + name + " (not in its had.conf)");
        }

        private Map<String, Object> ask(String cmd) throws StepFailed, ControlClient.Unreachable {
            try {
                return had.call(cmd, Map.of());
            } catch (ControlClient.Refused e) {
                throw new StepFailed("had: " + e.getMessage());
            }
        }

        /**
         * From this run's audit records: the service's state when step K began (the record of
         * step K-1, or drill.start), then every service.state after it.
         */
        Verdict outage(Drill.Outage o) throws StepFailed {
            List<Map<String, Object>> recs = records(r -> isBoundary(r, o.sinceStep()));
            int b = boundary(recs, o.sinceStep());
            if (b < 0) {
                throw new StepFailed("this run's record of " + (o.sinceStep() == 0 ? "its start" : "step " + (o.sinceStep() - 1))
                        + " is not in " + auditLog);
            }
            Boolean upAtStart = null;
            for (Map<String, Object> r : recs.subList(0, b)) if (isState(r, o.service())) upAtStart = Boolean.TRUE.equals(r.get("up"));
            List<String> downs = new ArrayList<>();
            if (Boolean.FALSE.equals(upAtStart)) downs.add(o.service() + " was already down");
            for (Map<String, Object> r : recs.subList(b + 1, recs.size())) {
                if (isState(r, o.service()) && !Boolean.TRUE.equals(r.get("up"))) {
                    downs.add(o.service() + " down at " + r.get("time") + " (working " + r.get("working") + " of "
                            + r.get("expected") + ", seq " + r.get("seq") + ")");
                }
            }
            String since = o.sinceStep() == 0 ? "the start" : "step " + o.sinceStep();
            String seen = downs.isEmpty() ? "no outage on " + o.service() + " since " + since
                    : downs.size() + " outage record(s) since " + since + ": " + String.join("; ", downs.subList(0, Math.min(3, downs.size())));
            return new Verdict(o.none() == downs.isEmpty(), seen);
        }

        /** Where step {@code sinceStep} began in {@code recs}: its boundary record's index, or -1. */
        private int boundary(List<Map<String, Object>> recs, int sinceStep) {
            for (int i = 0; i < recs.size(); i++) if (isBoundary(recs.get(i), sinceStep)) return i;
            return -1;
        }

        Verdict address(Drill.AddressIs a) throws StepFailed {
            Map<String, Object> last = null;
            for (Map<String, Object> r : records(r -> isState(r, a.address()))) {
                if (isState(r, a.address())) last = r;
            }
            if (last == null) return new Verdict(false, "the audit log has no state of address " + a.address());
            boolean up = Boolean.TRUE.equals(last.get("up"));
            return new Verdict(up == a.up(), "address " + a.address() + " is " + (up ? "up" : "down")
                    + (last.get("active") == null ? "" : " (on " + last.get("active") + ")"));
        }

        /** A slot's state and indicators: had records every change, so a wait cannot miss one that came and went. */
        private static boolean hasHistory(Drill.Condition c) {
            return c instanceof Drill.SlotIs || c instanceof Drill.SlotIndicator;
        }

        /**
         * Whether had recorded the condition becoming true since the last acting step began: a
         * state that lasted less than a poll (a card that leaves the moment its slot is powered
         * off, as an operator who pulls at once, or a chassis that ejects it) still counts.
         */
        Verdict reached(Drill.Condition c) throws StepFailed {
            int since = actingStep <= 1 ? 0 : actingStep;
            List<Map<String, Object>> recs = records(r -> isBoundary(r, since));
            int b = boundary(recs, since);
            if (b < 0) return new Verdict(false, "");
            for (Map<String, Object> r : recs.subList(b + 1, recs.size())) {
                if (r.get("slot") == null || r.containsKey("error")) continue;
                if (c instanceof Drill.SlotIs s && "slot.state".equals(r.get("type")) && num(r.get("slot")) == s.slot()
                        && s.state().equals(r.get("to"))) {
                    return new Verdict(true, "slot " + s.slot() + " was " + s.state() + " at " + r.get("time") + " (seq " + r.get("seq") + ")");
                }
                if (c instanceof Drill.SlotIndicator s && ("slot." + s.indicator()).equals(r.get("type")) && num(r.get("slot")) == s.slot()
                        && Boolean.valueOf(s.on()).equals(r.get("on"))) {
                    return new Verdict(true, "slot " + s.slot() + " " + s.indicator() + " was " + (s.on() ? "on" : "off") + " at "
                            + r.get("time") + " (seq " + r.get("seq") + ")");
                }
            }
            return new Verdict(false, "");
        }

        /** The card left its slot after had made it safe to remove (it went the moment the slot lost power). */
        private boolean leftOnceSafe(int slot) throws StepFailed {
            Map<String, Object> last = null;
            for (Map<String, Object> r : records(r -> "slot.state".equals(r.get("type")))) {
                if ("slot.state".equals(r.get("type")) && r.get("slot") != null && num(r.get("slot")) == slot) last = r;
            }
            return last != null && "SAFE_TO_REMOVE".equals(last.get("from")) && "EMPTY".equals(last.get("to"));
        }

        private boolean isBoundary(Map<String, Object> r, int sinceStep) {
            if (!runId.equals(r.get("drill_run"))) return false;
            if (sinceStep == 0) return "drill.start".equals(r.get("type"));
            return ("drill.step".equals(r.get("type")) || "drill.verdict".equals(r.get("type"))) && num(r.get("step")) == sinceStep - 1;
        }

        private static boolean isState(Map<String, Object> r, String service) {
            return "service.state".equals(r.get("type")) && service.equals(r.get("service"));
        }

        /**
         * The live audit log's whole records (a last line without its newline is not yet
         * written); when none of them is {@code wanted}, the whole log with its rotated files.
         */
        List<Map<String, Object>> records(Function<Map<String, Object>, Boolean> wanted) throws StepFailed {
            if (auditLog == null) throw new StepFailed("had's status names no audit log");
            List<Map<String, Object>> recs = read(List.of(auditLog));
            if (recs.stream().anyMatch(wanted::apply)) return recs;
            return read(AuditReader.logSet(auditLog));
        }

        private static List<Map<String, Object>> read(List<Path> files) throws StepFailed {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Path f : files) {
                List<AuditLines.Bad> bad = new ArrayList<>();
                try {
                    AuditLines.read(f, AuditLines.Parser.FULL, e -> {
                        if (e instanceof AuditLines.Record r) out.add(r.fields());
                        else if (e instanceof AuditLines.Bad b && !b.text().isBlank()) bad.add(b);
                        return bad.isEmpty();
                    });
                } catch (IOException e) {
                    throw new StepFailed("cannot read the audit log " + f + " (" + e.getMessage() + "); run the drill as a"
                            + " user who may read it (root or the had group)");
                }
                if (!bad.isEmpty()) throw new StepFailed(f + ":" + bad.get(0).line() + ": not an audit record: " + bad.get(0).error());
            }
            return out;
        }
    }

    static long num(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
