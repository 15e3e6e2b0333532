package had.daemon;

import had.audit.AuditEvent;
import had.audit.AuditLog;
import had.backplane.PciFunction;
import had.control.ControlException;
import had.control.ControlServer;
import had.control.PeerCredentials;
import had.control.Protocol;
import had.core.BondView;
import had.core.Chassis;
import had.core.Outcome;
import had.core.SlotState;
import had.core.SlotView;
import had.network.BondOption;
import had.network.BondOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The commands of the control protocol (had/doc/control-protocol.md), started on the control
 * socket's thread, which must never wait: whatever needs the core's state is asked of the event
 * loop and answered when the loop has run it, with a time limit, so a slow core costs a client an
 * error, never the other way round; a reload, which reads files, runs on the reload thread that
 * SIGHUP uses too.
 */
final class ControlCommands implements ControlServer.Handler {
    /** One command: the request's fields in, the result object to come out. */
    interface Command {
        CompletionStage<?> run(Map<String, Object> request, PeerCredentials peer) throws ControlException;
    }

    /** A refusal decided on the core thread, carried out of it through the future. */
    private static final class Refusal extends RuntimeException {
        final ControlException reason;

        Refusal(ControlException reason) {
            super(reason.getMessage(), reason, false, false);
            this.reason = reason;
        }
    }

    private static final Pattern DRILL_TYPE = Pattern.compile("drill\\.[a-z0-9][a-z0-9._-]{0,63}");

    private final Daemon daemon;
    private final Service.Settings settings;
    private final Reloader reloader;
    private final Executor reloads;
    private final Instant startedAt = Instant.now();
    private final Map<String, Command> commands = new LinkedHashMap<>();

    ControlCommands(Daemon daemon, Service.Settings settings, Reloader reloader, Executor reloads) {
        this.daemon = daemon;
        this.settings = settings;
        this.reloader = reloader;
        this.reloads = reloads;
        commands.put("status", (r, p) -> status());
        commands.put("slots", (r, p) -> slots());
        commands.put("bonds", (r, p) -> bonds());
        commands.put("extract", this::extract);
        commands.put("cancel", this::cancel);
        commands.put("insert", this::insert);
        commands.put("clear", this::clear);
        commands.put("reload", (r, p) -> reload());
        commands.put("record", this::record);
    }

    @Override
    public CompletionStage<?> handle(String cmd, Map<String, Object> request, PeerCredentials peer)
            throws ControlException {
        Command c = commands.get(cmd);
        if (c == null) {
            throw new ControlException(Protocol.UNKNOWN_COMMAND, "unknown command '" + cmd + "'; this had knows: "
                    + String.join(", ", commands.keySet()));
        }
        return c.run(request, peer);
    }

    // ---- read-only ----------------------------------------------------------------------

    private CompletionStage<?> status() {
        return core(Chassis::slots).thenApply(this::status);
    }

    private Object status(List<SlotView> slots) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", Service.VERSION);
        m.put("mode", settings.mode());
        m.put("pid", ProcessHandle.current().pid());
        m.put("started", startedAt.toString());
        m.put("uptime_s", daemon.uptimeNanos() / 1_000_000_000L);
        List<Object> files = new ArrayList<>();
        for (Map.Entry<String, String> f : reloader.files().entrySet()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("path", f.getKey());
            fm.put("sha256", f.getValue());
            files.add(fm);
        }
        m.put("config", files);
        m.put("audit_log", daemon.audit().file().toAbsolutePath().toString());
        m.put("audit_log_state", auditState(daemon.audit().health()));
        m.put("control_socket", settings.socket().toAbsolutePath().toString());
        if (settings.simSocket() != null) m.put("sim_control_socket", settings.simSocket().toAbsolutePath().toString());
        m.put("slots_configured", slots.size());
        m.put("slots_active", slots.stream().filter(s -> s.state() == SlotState.ACTIVE).count());
        return m;
    }

    /** The audit log's health; its numbers are counters and gauges a monitor can graph. */
    static Map<String, Object> auditState(AuditLog.Health h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", h.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("since", h.since() == null ? null : h.since().toString());
        m.put("reason", h.reason());
        m.put("held_records", h.heldRecords());
        m.put("held_bytes", h.heldBytes());
        m.put("lost_records", h.lostRecords());
        m.put("reserve_bytes", h.reserveBytes());
        m.put("summary", h.describe());
        return m;
    }

    private CompletionStage<?> slots() {
        return core(Chassis::slots).thenApply(views -> {
            List<Object> out = new ArrayList<>();
            for (SlotView s : views) out.add(slot(s));
            return Map.of("slots", out);
        });
    }

    static Map<String, Object> slot(SlotView s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", s.slot());
        m.put("state", s.state().name());
        m.put("hpi_state", s.state().hpi().name());
        m.put("reason", s.reason());
        List<Object> card = new ArrayList<>();
        for (PciFunction f : s.functions()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("address", f.address());
            fm.put("id", f.id().toString());
            fm.put("network", f.isNetwork());
            card.add(fm);
        }
        m.put("card", card);
        Map<String, Object> ports = new LinkedHashMap<>();
        new java.util.TreeMap<>(s.ports()).forEach((sub, ifname) -> ports.put(String.valueOf(sub), ifname));
        m.put("ports", ports);
        m.put("modules", s.modules());
        m.put("led", s.led());
        m.put("attention", s.attention());
        m.put("quarantined", s.quarantined());
        m.put("ailing", s.ailing());
        return m;
    }

    private CompletionStage<?> bonds() {
        return core(Chassis::bonds).thenApply(ControlCommands::bonds);
    }

    private static Object bonds(List<BondView> views) {
        List<Object> out = new ArrayList<>();
        for (BondView b : views) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bond", b.name());
            m.put("exists", b.exists());
            m.put("mode", b.options().mode().kernelName());
            m.put("state", !b.up() ? "down" : b.degraded() ? "degraded" : "up");
            m.put("options", options(b.options()));
            m.put("active_slave", b.activeSlave());
            m.put("working", b.working());
            m.put("expected", b.expected());
            List<Object> slaves = new ArrayList<>();
            for (BondView.SlaveView s : b.slaves()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("ifname", s.ifname());
                if (s.slot() > 0) {
                    sm.put("slot", s.slot());
                    sm.put("port", s.port());
                }
                sm.put("bond_view", s.bondUp() ? "up" : "down");
                sm.put("carrier", s.carrier());
                sm.put("working", s.working());
                if (s.path() != null) {
                    sm.put("path", s.path().word());
                    sm.put("rtt_ms", s.rttNanos() == 0 ? null : Math.round(s.rttNanos() / 1_000.0) / 1_000.0);
                    sm.put("in_bond", s.enslaved());
                }
                slaves.add(sm);
            }
            m.put("slaves", slaves);
            out.add(m);
        }
        return Map.of("bonds", out);
    }

    /** The bond's options (its mode aside) as sysfs names them, in the driver's units. */
    static Map<String, Object> options(BondOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (BondOption b : BondOption.values()) if (b != BondOption.MODE) m.put(b.wireKey, b.wire(o));
        return m;
    }

    // ---- actions ------------------------------------------------------------------------

    /** What an operator asks of one slot, in the core: the slot, who asks, the outcome. */
    private interface SlotAction {
        Outcome on(Chassis c, int slot, String source);
    }

    /** A request naming a slot of had.conf, carried out on the core's thread and answered with its outcome. */
    private CompletionStage<?> slotAction(Map<String, Object> r, PeerCredentials peer, String words, SlotAction action)
            throws ControlException {
        int n = slotNumber(r);
        String source = source(peer);
        return core(c -> {
            configured(c, n);
            return answer(c, n, words, action.on(c, n, source));
        });
    }

    private CompletionStage<?> extract(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        boolean force = bool(r, "force");
        return slotAction(r, peer, "extraction ", (c, n, source) -> c.requestExtraction(n, force, source));
    }

    private CompletionStage<?> cancel(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        return slotAction(r, peer, "extraction cancelled: ", Chassis::cancelExtraction);
    }

    private CompletionStage<?> clear(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        return slotAction(r, peer, "", Chassis::clear);
    }

    private CompletionStage<?> insert(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        return slotAction(r, peer, "", Chassis::insert);
    }

    /**
     * The one place where the core's outcomes become the protocol's answers: done or already so,
     * a result; not applicable or refused, {@code refused}; failed, {@code failed}. {@code what}
     * names the action in the words shown.
     */
    private Map<String, Object> answer(Chassis c, int n, String what, Outcome o) {
        String words = what + o.text();
        return switch (o.kind()) {
            case ACCEPTED, ALREADY_SO -> actionResult(c, n, words);
            case NOT_APPLICABLE, REFUSED -> throw new Refusal(new ControlException(Protocol.REFUSED, "slot " + n + ": " + words));
            case FAILED -> throw new Refusal(new ControlException(Protocol.FAILED, "slot " + n + ": " + words));
        };
    }

    private Map<String, Object> actionResult(Chassis c, int n, String outcome) {
        // The action's records are committed before the answer is built, so that its warning
        // tells whether they reached the disk (an action that needed no commit-before-acting
        // would otherwise be answered with the log's state from before its own records).
        c.commit();
        SlotView after = c.slotView(n);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", n);
        m.put("outcome", outcome);
        m.put("state", after.state().name());
        AuditLog.Health h = daemon.audit().health();
        // Carried out all the same; the operator hears that its record is not on disk yet.
        if (h.state() == AuditLog.Health.State.BEHIND) m.put("audit_log", h.describe());
        return m;
    }

    private CompletionStage<?> reload() throws ControlException {
        try {
            return reloadOnItsThread();
        } catch (RejectedExecutionException e) {
            throw new ControlException(Protocol.UNAVAILABLE, "had is stopping");
        }
    }

    private CompletionStage<?> reloadOnItsThread() {
        return CompletableFuture.supplyAsync(() -> {
            Reloader.Outcome o;
            try {
                o = reloader.reload("control socket");
            } catch (IllegalStateException e) {
                throw new Refusal(new ControlException(Protocol.TIMEOUT, e.getMessage()));
            }
            if (!o.applied()) {
                throw new Refusal(new ControlException(Protocol.REFUSED, "configuration refused (" + o.errors().size()
                        + " error(s)); the running configuration stays", o.errors()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("applied", true);
            m.put("files", o.files());
            m.put("warnings", o.warnings());
            return m;
        }, reloads).handle(this::unwrap);
    }

    /** A drill's step, written to the audit log by the daemon, its single writer. */
    private CompletionStage<?> record(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        if (!(r.get("type") instanceof String type) || !DRILL_TYPE.matcher(type).matches()) {
            throw new ControlException(Protocol.BAD_REQUEST, "\"type\" must be a drill record type: \"drill.\" followed by"
                    + " lower-case letters, digits, '.', '_' or '-' (e.g. drill.step)");
        }
        Object f = r.getOrDefault("fields", Map.of());
        if (!(f instanceof Map<?, ?> fields)) throw new ControlException(Protocol.BAD_REQUEST, "\"fields\" must be an object");
        AuditEvent.Builder b = AuditEvent.of(type);
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (had.audit.AuditChain.RESERVED.contains(k) || k.equals("by")) {
                throw new ControlException(Protocol.BAD_REQUEST, "field \"" + k + "\" is the audit log's own; name it otherwise");
            }
            b.with(k, e.getValue());
        }
        b.with("by", peer.user());
        AuditEvent event = b.build();
        return core(c -> {
            daemon.audit().record(event);
            return Map.of("recorded", type);
        });
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * Runs {@code f} on the core thread; its answer, or the {@link ControlException} that says why
     * there is none, completes the stage. {@code f} refuses by throwing a {@link Refusal}.
     */
    private <T> CompletionStage<T> core(Function<Chassis, T> f) {
        return daemon.loop().call(f).handle(this::unwrap);
    }

    private <T> T unwrap(T answer, Throwable error) {
        if (error == null) return answer;
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof Refusal r) throw new CompletionException(r.reason);
        if (e instanceof IllegalStateException) throw new CompletionException(new ControlException(Protocol.UNAVAILABLE, e.getMessage()));
        throw new CompletionException(new ControlException(Protocol.FAILED, String.valueOf(e.getMessage())));
    }

    private static int slotNumber(Map<String, Object> r) throws ControlException {
        Object v = r.get("slot");
        if (!(v instanceof Long n) || n < 1 || n > 255) {
            throw new ControlException(Protocol.BAD_REQUEST, "\"slot\" must be a slot number");
        }
        return n.intValue();
    }

    /** Refuses a slot had.conf does not have: asked of the core, in the same turn as the action. */
    private void configured(Chassis c, int slot) {
        java.util.Set<Integer> known = c.config().slots().keySet();
        if (!known.contains(slot)) {
            throw new Refusal(new ControlException(Protocol.BAD_REQUEST, "slot " + slot + " is not in " + configName()
                    + " (slots: " + String.join(", ", known.stream().map(String::valueOf).toList()) + ")"));
        }
    }

    private String configName() {
        Path p = reloader.files().keySet().stream().findFirst().map(Path::of).orElse(Path.of("had.conf"));
        return p.toString();
    }

    private static boolean bool(Map<String, Object> r, String key) throws ControlException {
        Object v = r.getOrDefault(key, false);
        if (!(v instanceof Boolean b)) throw new ControlException(Protocol.BAD_REQUEST, "\"" + key + "\" must be true or false");
        return b;
    }

    /** How the audit log names who asked: "hadctl (root)". */
    private static String source(PeerCredentials peer) {
        return "hadctl (" + peer.user() + ")";
    }
}
