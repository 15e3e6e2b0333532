package had.core;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.backplane.PathProbes;
import had.backplane.PathState;
import had.config.PathSupervision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the core knows of supervised paths: which ports are probed, for which bond and how, and
 * the last verdict the probes gave on each. Owned by the core's thread, like everything in it.
 */
final class Paths {
    /** A port had wants probed: the bond it belongs to in the configuration, and the bond's spec. */
    record Watch(String bond, PathSupervision spec) {}

    /** The probes' last word on a port. {@code since}: when it began to be true (monotonic ns). */
    record Verdict(boolean up, String target, long rttNanos, long since) {}

    private final PathProbes probes;
    private final Map<String, Watch> watched = new HashMap<>();
    private final Map<String, Verdict> verdicts = new HashMap<>();

    Paths(PathProbes probes) {
        this.probes = probes;
    }

    PathState state(String ifname) {
        Verdict v = verdicts.get(ifname);
        return v == null ? PathState.UNKNOWN : v.up() ? PathState.UP : PathState.DOWN;
    }

    Verdict verdict(String ifname) {
        return verdicts.get(ifname);
    }

    /** "path to 10.0.1.100 lost" for a port whose path is down, else null. */
    String loss(String ifname) {
        Verdict v = verdicts.get(ifname);
        if (v == null || v.up()) return null;
        return v.target() == null || v.target().isEmpty() ? "path lost" : "path to " + v.target() + " lost";
    }

    boolean watched(String ifname) {
        return watched.containsKey(ifname);
    }

    /**
     * Takes a verdict. One for a port no longer probed (it was on its way when the watch ended)
     * is dropped: it would describe a port had no longer answers for.
     *
     * @return whether it changed what the core knows
     */
    boolean take(BackplaneEvent.PathChanged e) {
        if (!watched.containsKey(e.ifname())) return false;
        Verdict before = verdicts.get(e.ifname());
        Verdict now = new Verdict(e.up(), e.target(), e.rttNanos(), e.since());
        verdicts.put(e.ifname(), now);
        return before == null || before.up() != now.up();
    }

    /**
     * Probes exactly the ports in {@code wanted}: starts the new ones, restarts those whose bond or
     * spec changed (their verdict starts over), stops the others and forgets their verdicts.
     *
     * @return whether a verdict was forgotten (what was planned from it no longer holds)
     */
    boolean sync(Map<String, Watch> wanted, Consumer<AuditEvent> record) {
        boolean forgot = false;
        for (String ifname : new ArrayList<>(watched.keySet())) {
            if (wanted.containsKey(ifname)) continue;
            watched.remove(ifname);
            forgot |= verdicts.remove(ifname) != null;
            probes.unwatch(ifname);
            record.accept(AuditEvent.of("path.unwatch").with("ifname", ifname).build());
        }
        for (Map.Entry<String, Watch> w : wanted.entrySet()) {
            String ifname = w.getKey();
            Watch want = w.getValue();
            if (Objects.equals(watched.get(ifname), want)) continue;
            try {
                probes.watch(ifname, want.bond(), want.spec());
                watched.put(ifname, want);
                forgot |= verdicts.remove(ifname) != null;
                record.accept(AuditEvent.of("path.watch").with("ifname", ifname).with("bond", want.bond())
                        .with("targets", want.spec().targetList()).with("interval_ms", want.spec().intervalMs())
                        .with("missed", want.spec().missed()).with("answered", want.spec().answered()).build());
            } catch (BackplaneException e) {
                record.accept(AuditEvent.of("path.error").with("ifname", ifname).with("bond", want.bond())
                        .with("error", e.getMessage()).build());
            }
        }
        return forgot;
    }

    /** The prober's current figures, for status output. */
    Map<String, PathProbes.Status> status() {
        return probes.paths();
    }

    List<String> watchedPorts() {
        return List.copyOf(watched.keySet());
    }

    static Map<String, Watch> none() {
        return new HashMap<>();
    }
}
