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
import had.core.SlotState;
import had.core.SlotView;
import had.network.BondOptions;
import had.network.KernelEnum;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The commands of the control protocol (had/doc/control-protocol.md), served on the control
 * socket's threads. Whatever needs the core's state is asked of the event loop, with a time limit,
 * so a slow core costs a client an error, never the other way round.
 */
final class ControlCommands implements ControlServer.Handler {
    /** One command: the request's fields in, a result object out. */
    interface Command {
        Object run(Map<String, Object> request, PeerCredentials peer) throws ControlException;
    }

    private static final Pattern DRILL_TYPE = Pattern.compile("drill\\.[a-z0-9][a-z0-9._-]{0,63}");

    private final Daemon daemon;
    private final Service.Settings settings;
    private final Reloader reloader;
    private final Instant startedAt = Instant.now();
    private final Map<String, Command> commands = new LinkedHashMap<>();

    ControlCommands(Daemon daemon, Service.Settings settings, Reloader reloader) {
        this.daemon = daemon;
        this.settings = settings;
        this.reloader = reloader;
        commands.put("status", (r, p) -> status());
        commands.put("slots", (r, p) -> slots());
        commands.put("bonds", (r, p) -> bonds());
        commands.put("extract", this::extract);
        commands.put("cancel", this::cancel);
        commands.put("insert", this::insert);
        commands.put("reload", (r, p) -> reload());
        commands.put("record", this::record);
    }

    @Override
    public Object handle(String cmd, Map<String, Object> request, PeerCredentials peer) throws ControlException {
        Command c = commands.get(cmd);
        if (c == null) {
            throw new ControlException(Protocol.UNKNOWN_COMMAND, "unknown command '" + cmd + "'; this had knows: "
                    + String.join(", ", commands.keySet()));
        }
        return c.run(request, peer);
    }

    // ---- read-only ----------------------------------------------------------------------

    private Object status() throws ControlException {
        List<SlotView> slots = core(Chassis::slots);
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

    private Object slots() throws ControlException {
        List<Object> out = new ArrayList<>();
        for (SlotView s : core(Chassis::slots)) out.add(slot(s));
        return Map.of("slots", out);
    }

    static Map<String, Object> slot(SlotView s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", s.slot());
        m.put("state", s.state().name());
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
        return m;
    }

    private Object bonds() throws ControlException {
        List<Object> out = new ArrayList<>();
        for (BondView b : core(Chassis::bonds)) {
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

    /** The bond's options as sysfs names them, in the driver's units. */
    static Map<String, Object> options(BondOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : BondOptions.class.getRecordComponents()) {
            if (c.getName().equals("mode")) continue;
            Object v;
            try {
                v = c.getAccessor().invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (v instanceof KernelEnum k) v = k.kernelName();
            else if (v instanceof List<?> l) v = l.stream().map(x -> x instanceof InetAddress a ? a.getHostAddress() : String.valueOf(x)).toList();
            m.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT), v);
        }
        return m;
    }

    // ---- actions ------------------------------------------------------------------------

    private Object extract(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        int n = slotOf(r);
        boolean force = bool(r, "force");
        String source = source(peer);
        Object[] out = core(c -> {
            SlotState before = c.slotView(n).state();
            String outcome = c.requestExtraction(n, force, source);
            return new Object[] {before, outcome, c.slotView(n)};
        });
        String outcome = (String) out[1];
        SlotView after = (SlotView) out[2];
        if (outcome.startsWith("refused")) {
            throw new ControlException(Protocol.REFUSED, "slot " + n + ": extraction " + outcome);
        }
        if (out[0] == SlotState.EMPTY) throw new ControlException(Protocol.REFUSED, "slot " + n + " is empty");
        return actionResult(n, "extraction " + outcome, after);
    }

    private Object cancel(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        int n = slotOf(r);
        String source = source(peer);
        Object[] out = core(c -> new Object[] {c.cancelExtraction(n, source), c.slotView(n)});
        String outcome = (String) out[0];
        if (outcome.startsWith("ignored")) {
            throw new ControlException(Protocol.REFUSED, "slot " + n + ": " + outcome);
        }
        return actionResult(n, "extraction cancelled: " + outcome, (SlotView) out[1]);
    }

    private Object insert(Map<String, Object> r, PeerCredentials peer) throws ControlException {
        int n = slotOf(r);
        String source = source(peer);
        SlotView s = core(c -> {
            c.powerOn(n, source);
            return c.slotView(n);
        });
        if (s.state() == SlotState.FAILED && s.reason() != null && s.reason().startsWith("power-on failed")) {
            throw new ControlException(Protocol.FAILED, "slot " + n + ": " + s.reason());
        }
        return actionResult(n, "powered on", s);
    }

    private Map<String, Object> actionResult(int n, String outcome, SlotView after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", n);
        m.put("outcome", outcome);
        m.put("state", after.state().name());
        AuditLog.Health h = daemon.audit().health();
        // Carried out all the same; the operator hears that its record is not on disk yet.
        if (h.state() == AuditLog.Health.State.BEHIND) m.put("audit_log", h.describe());
        return m;
    }

    private Object reload() throws ControlException {
        Reloader.Outcome o;
        try {
            o = reloader.reload("control socket");
        } catch (IllegalStateException e) {
            throw new ControlException(Protocol.TIMEOUT, e.getMessage());
        }
        if (!o.applied()) {
            throw new ControlException(Protocol.REFUSED, "configuration refused (" + o.errors().size()
                    + " error(s)); the running configuration stays", o.errors());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", true);
        m.put("files", o.files());
        m.put("warnings", o.warnings());
        return m;
    }

    /** A drill's step, written to the audit log by the daemon, its single writer. */
    private Object record(Map<String, Object> r, PeerCredentials peer) throws ControlException {
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
        core(c -> {
            daemon.audit().record(event);
            return null;
        });
        return Map.of("recorded", type);
    }

    // ---- helpers ------------------------------------------------------------------------

    private <T> T core(Function<Chassis, T> f) throws ControlException {
        try {
            return daemon.loop().call(f).get(settings.callTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ControlException(Protocol.TIMEOUT, "had's event loop did not answer within "
                    + settings.callTimeoutMs() + " ms; the request may still be carried out: check the status");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalStateException) throw new ControlException(Protocol.UNAVAILABLE, c.getMessage());
            throw new ControlException(Protocol.FAILED, String.valueOf(c.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(Protocol.UNAVAILABLE, "had is stopping");
        }
    }

    private int slotOf(Map<String, Object> r) throws ControlException {
        Object v = r.get("slot");
        if (!(v instanceof Long n) || n < 1 || n > 255) {
            throw new ControlException(Protocol.BAD_REQUEST, "\"slot\" must be a slot number");
        }
        int slot = n.intValue();
        java.util.Set<Integer> known = core(c -> c.config().slots().keySet());
        if (!known.contains(slot)) {
            throw new ControlException(Protocol.BAD_REQUEST, "slot " + slot + " is not in " + configName() + " (slots: "
                    + String.join(", ", known.stream().map(String::valueOf).toList()) + ")");
        }
        return slot;
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
