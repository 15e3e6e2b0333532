package had.core;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.backplane.PathProbes;
import had.backplane.PathState;
import had.backplane.PathSupervision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the core knows of supervised paths: which ports are probed, for which bond and how, and
 * the last verdict the probes gave on each. Owned by the core's thread, like everything in it.
 *
 * <p>Flap damping: a path that fails again within {@link #REPEAT_WINDOW_NS} of coming back is
 * not trusted with traffic when it next comes back until it has stayed up for a hold time, which
 * starts at {@link #FIRST_HOLD_NS} and doubles with each repeat up to {@link #MAX_HOLD_NS}; a
 * path that stays up for the window starts afresh. Without it, a path flapping just slower than
 * the probes' hysteresis would move the traffic away and back on every flap.
 */
final class Paths implements DesiredState.PathView {
    static final long REPEAT_WINDOW_NS = 10_000_000_000L;
    static final long FIRST_HOLD_NS = 1_000_000_000L;
    static final long MAX_HOLD_NS = 60_000_000_000L;

    /** A port had wants probed: the bond it belongs to in the configuration, and the bond's spec. */
    record Watch(String bond, PathSupervision spec) {}

    /** The probes' last word on a port. {@code since}: when it began to be true (monotonic ns). */
    record Verdict(boolean up, String target, long rttNanos, long since) {}

    /** A port's flap history: when its path last came back, its current hold, and until when. */
    private static final class Flap {
        long lastUp;
        long hold;
        long until;
    }

    private final PathProbes probes;
    private final Map<String, Watch> watched = new HashMap<>();
    private final Map<String, Verdict> verdicts = new HashMap<>();
    private final Map<String, Flap> flaps = new HashMap<>();

    Paths(PathProbes probes) {
        this.probes = probes;
    }

    @Override
    public PathState state(String ifname) {
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

    /** Up, but not trusted with traffic yet: it failed again soon after it last came back. */
    @Override
    public boolean held(String ifname) {
        Flap f = flaps.get(ifname);
        return f != null && f.until != 0 && state(ifname) == PathState.UP;
    }

    /** The hold (ns) an up verdict just began, 0 if none. */
    long holdOf(String ifname) {
        Flap f = flaps.get(ifname);
        return f == null || f.until == 0 ? 0 : f.hold;
    }

    /** The monotonic time the next hold ends, or Long.MAX_VALUE. */
    long nextHoldEnd() {
        long next = Long.MAX_VALUE;
        for (Flap f : flaps.values()) if (f.until != 0 && f.until - next < 0) next = f.until;
        return next;
    }

    /** Ends the holds due at {@code now}; the ports they end, so the caller can say so and plan again. */
    List<String> endHolds(long now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Flap> e : flaps.entrySet()) {
            Flap f = e.getValue();
            if (f.until == 0 || now - f.until < 0) continue;
            f.until = 0;
            out.add(e.getKey());
        }
        return out;
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
        boolean changed = before == null || before.up() != now.up();
        // The first verdict is no recovery: only a path that came back can fail again soon.
        if (changed && before != null) damp(flaps.computeIfAbsent(e.ifname(), k -> new Flap()), e.up(), e.at());
        return changed;
    }

    private static void damp(Flap f, boolean up, long at) {
        if (up) {
            f.until = f.hold == 0 ? 0 : at + f.hold;
            f.lastUp = at;
            return;
        }
        f.until = 0;
        boolean repeat = f.lastUp != 0 && at - f.lastUp < REPEAT_WINDOW_NS;
        f.hold = !repeat ? 0 : f.hold == 0 ? FIRST_HOLD_NS : Math.min(MAX_HOLD_NS, 2 * f.hold);
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
            flaps.remove(ifname);
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
                flaps.remove(ifname);
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

    /**
     * Runs {@code change}, which resets {@code ifname} (null: none), with the port's probes held
     * meanwhile (see {@link PathProbes#hold}): a port had enslaves or releases goes dark for a
     * moment, which is had's doing, not its path's.
     */
    void whileChanging(String ifname, Runnable change) {
        if (ifname == null || !watched.containsKey(ifname)) {
            change.run();
            return;
        }
        boolean held = hold(ifname, true);
        try {
            change.run();
        } finally {
            if (held) hold(ifname, false);
        }
    }

    /**
     * The change goes ahead without the hold whatever the prober says: a verdict's quality is not
     * worth a port left out of its bond, and a failing prober shows in its own events.
     */
    private boolean hold(String ifname, boolean on) {
        try {
            probes.hold(ifname, on);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The prober's current figures, for status output. */
    Map<String, PathProbes.Status> status() {
        return probes.paths();
    }
}
