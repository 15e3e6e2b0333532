package had.core;

import had.audit.AuditEvent;
import had.backplane.PathState;
import had.config.ChassisConfig;
import had.network.BondOptionPlan;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import had.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the network in line with what the configuration and the cards in service ask for: from
 * a fresh read of the network, plans ({@link Reconciler}) and applies until nothing is left; each
 * plan one group in the audit log; the handover windows of the active-slave moves it makes; and,
 * afterwards, what changed for the services. It owns what was last applied and the handover
 * windows; the slot life cycle ({@link Chassis}) owns the slots and says when to run. Called on
 * the core's thread only.
 */
final class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
    private static final int MAX_ROUNDS = 4;

    /** What the slot life cycle lends a reconciliation. */
    interface Core {
        ChassisConfig config();

        Map<Integer, Slot> slots();

        void record(AuditEvent e);

        /** Writes what was recorded ahead of a change (durable once the event is over). */
        void beforeActing();

        /** A card in service whose configuration cannot be applied. */
        void fail(Slot s, String reason);

        /** Something is left for the next run (restarted probes: plan again without their verdicts). */
        void changed();
    }

    private final Core core;
    private final Network network;
    private final Paths paths;
    private final ServiceWatch services;
    private final InterfaceIndex index;
    private final Clock clock;
    private final Settings settings;
    private DesiredState applied = DesiredState.NOTHING;
    /** Bonds in the handover window of an active-slave move had made, and when each window ends. */
    private final Map<String, Long> handovers = new HashMap<>();
    /** Bonds whose driver was, at the last reconciliation, about to take the primary back. */
    private final Set<String> failbacksAwaited = new HashSet<>();
    /**
     * Bonds whose carrying slaves had changed since the last observation, and when the first such
     * change began (releasing a dead active slave already moves the traffic; the writes after it
     * only confirm the choice).
     */
    private final Map<String, Long> trafficMoved = new HashMap<>();
    /** Changes the kernel refused so far (what {@link #runTrusting} tells a whole plan by). */
    private long failures;

    Reconciliation(Core core, Network network, Paths paths, ServiceWatch services, InterfaceIndex index, Clock clock,
                   Settings settings) {
        this.core = core;
        this.network = network;
        this.paths = paths;
        this.services = services;
        this.index = index;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * The network as a run found it once nothing was left to do, and when it was read; network
     * null: not read again, every change the run planned was made ({@link #runTrusting}).
     */
    record Settled(NetworkState network, long readAt) { }

    /** What the last plan that left nothing to do (or the last one applied) asked for. */
    DesiredState applied() {
        return applied;
    }

    /** Ends the handover windows due at {@code now}; whether one ended. */
    boolean endHandovers(long now) {
        return handovers.values().removeIf(end -> now - end >= 0);
    }

    /** When the next handover window ends, or {@code Long.MAX_VALUE}. */
    long nextHandoverEnd() {
        long next = Long.MAX_VALUE;
        for (long end : handovers.values()) if (end - next < 0) next = end;
        return next;
    }

    private void record(AuditEvent.Builder b) {
        core.record(b.build());
    }

    private void record(AuditEvent e) {
        core.record(e);
    }

    /**
     * Plans and applies until nothing is left (or {@link #MAX_ROUNDS}). Returns what the network
     * was found to be once nothing was left to do, or null when it did not get that far.
     */
    Settled run() {
        return run(a -> true, false);
    }

    /**
     * For a stage that needs no more than its own changes made (a card's ports out of their bonds
     * before its power-off): as {@link #run()}, applying only the planned changes {@code now}
     * takes (the others are left for the next run, {@link Core#changed}; a plan with nothing left
     * that {@code now} takes counts as done). When every change of its first plan was made, the
     * kernel's answers to them stand for the read of the whole network that would confirm them
     * (10 to 20 ms under the lab's TCG, in the middle of every extraction): it returns a Settled
     * without a network, and the settle right after reads and reconciles in full. A change that
     * failed: it reads and plans again, as {@link #run()} does.
     */
    Settled runTrusting(Predicate<Action> now) {
        return run(now, true);
    }

    private Settled run(Predicate<Action> now, boolean trusting) {
        ChassisConfig config = core.config();
        Map<Integer, Slot> slots = core.slots();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<Integer, String> problems = new HashMap<>();
            DesiredState desired = DesiredState.of(config, slots.values(), problems, paths, applied, handovers.keySet());
            for (Map.Entry<Integer, String> p : problems.entrySet()) {
                Slot s = slots.get(p.getKey());
                if (s != null && s.takenIn()) core.fail(s, p.getValue());
            }
            if (!problems.isEmpty()) desired = DesiredState.of(config, slots.values(), new HashMap<>(), paths, applied, handovers.keySet());
            long readAt = clock.nanos();
            NetworkState actual = network.read();
            List<Action> plan = Reconciler.plan(desired, applied, actual, index.cardPorts());
            if (handOver(Reconciler.activeSlaveMoves(plan, actual, desired), Reconciler.pendingFailbacks(desired, actual), desired)) {
                desired = DesiredState.of(config, slots.values(), new HashMap<>(), paths, applied, handovers.keySet());
                plan = Reconciler.plan(desired, applied, actual, index.cardPorts());
            }
            List<Action> taken = plan.stream().filter(now).toList();
            if (taken.size() < plan.size()) {
                core.changed(); // what is left waits for the next run
                plan = taken;
            }
            if (plan.isEmpty()) {
                recordPathDecisions(desired);
                applied = desired;
                // Restarted probes start undecided: plan again without their old verdicts.
                if (paths.sync(applied.probed(), core::record)) core.changed();
                return new Settled(actual, readAt);
            }
            long failed = failures;
            apply(plan);
            if (round == 0) recordPathDecisions(desired);
            applied = desired;
            if (trusting && failures == failed) {
                paths.sync(applied.probed(), core::record);
                core.changed(); // the read that confirms it: the next settle's
                return new Settled(null, readAt);
            }
        }
        if (paths.sync(applied.probed(), core::record)) core.changed();
        log.warn("the network did not settle after {} rounds of changes", MAX_ROUNDS);
        return null;
    }

    /**
     * Opens (or stretches) the handover window of each bond whose active slave had is about to
     * move: {@code moves}, by this plan; {@code pending}, by the driver, as soon as the primary
     * had gave it is up. In the window the old active port, a backup from then on, still delivers
     * what the switch sends it until the driver's gratuitous ARP taught the switch the new one (in
     * active-backup the driver drops what a backup receives). A pending move keeps the window open;
     * it lasts {@link Settings#quiesceMs()} from the move. Returns whether a bond's window opened
     * now, so that the plan must begin with the handover.
     */
    private boolean handOver(Set<String> moves, Set<String> pending, DesiredState desired) {
        if (settings.quiesceMs() == 0) return false;
        long end = windowEnd();
        boolean opened = false;
        Set<String> moved = new HashSet<>(moves);
        // A move the driver was waiting to make has been made (or will not be): the window runs from now.
        for (String b : failbacksAwaited) if (!pending.contains(b)) moved.add(b);
        failbacksAwaited.clear();
        failbacksAwaited.addAll(pending);
        moved.addAll(pending);
        for (String b : moved) {
            DesiredState.Bond d = desired.bonds().get(b);
            if (d == null) continue;
            opened |= !d.handover();
            stretchHandover(b, end);
        }
        return opened;
    }

    /** When a quiesce or handover window that opens now ends. */
    long windowEnd() {
        return windowEnd(clock.nanos());
    }

    /** When a quiesce or handover window that opened at {@code from} ends. */
    long windowEnd(long from) {
        return from + settings.quiesceMs() * 1_000_000L;
    }

    void stretchHandover(String bond, long end) {
        handovers.merge(bond, end, (x, y) -> y - x > 0 ? y : x);
    }


    /**
     * Says once, when it begins, that a bond has no port whose path works: had leaves it as it is
     * (taking ports away would not help) and the service records count it down.
     */
    private void recordPathDecisions(DesiredState desired) {
        for (DesiredState.Bond b : desired.bonds().values()) {
            if (!everyPathDead(desired, b.name()) || everyPathDead(applied, b.name())) continue;
            record(AuditEvent.of("path.all-down").with("bond", b.name()).with("ports", String.join(", ", b.deadPaths()))
                    .with("outcome", "left as it is: no port's path works"));
        }
    }

    /** Every port of the bond is probed and found dead. */
    private static boolean everyPathDead(DesiredState d, String bond) {
        DesiredState.Bond b = d.bonds().get(bond);
        if (b == null || b.deadPaths().isEmpty()) return false;
        for (Map.Entry<String, Paths.Watch> w : d.probed().entrySet()) {
            if (w.getValue().bond().equals(bond) && !b.deadPaths().contains(w.getKey())) return false;
        }
        return true;
    }

    /**
     * One plan, one group in the log: what led to it is written before its first change, and its
     * changes are written together before anything else is done; all of it is durable once the
     * event is over, before anything is reported done (see ChassisCore#beforeActing). Returns when
     * the last change was made: a window that waits on the changes runs from there. When every
     * change failed, the time it returns: nothing moved, and a window then runs whole from the
     * failure.
     */
    long apply(List<Action> plan) {
        core.beforeActing();
        Long changed = null;
        for (Action a : plan) {
            if (a.movesTrafficOf() != null) trafficMoved.putIfAbsent(a.movesTrafficOf(), clock.nanos());
            try {
                paths.whileChanging(a.resetsPort(), () -> a.apply(network));
                changed = clock.nanos();
                if (a.endsMoveOf() != null) trafficMoved.put(a.endsMoveOf(), changed);
                record(a.audit());
            } catch (NetworkException e) {
                failures++;
                Slot owner = index.ownerOf(a.subject());
                record(AuditEvent.of("net.error").with("action", a.describe()).with("error", e.getMessage())
                        .with("slot", owner == null ? null : owner.number));
                if (owner != null && owner.takenIn() && a.failureFailsTheSlot()) {
                    core.fail(owner, a.describe() + " failed: " + e.getMessage());
                }
            }
        }
        core.beforeActing();
        return changed != null ? changed : clock.nanos();
    }

    /**
     * The loss of the path of each bond's active slave (the other ports' paths as the probes say,
     * answering where they have not said yet), rehearsed ({@link Rehearsal}, {@link #rehearse}).
     * Returns each such slave's plan.
     */
    Map<String, List<Action>> rehearsePathLosses(NetworkState actual) {
        Map<String, List<Action>> plans = new LinkedHashMap<>();
        for (NetworkState.Bond b : actual.bonds().values()) {
            String lost = b.activeSlave();
            if (lost == null || !applied.probed().containsKey(lost)) continue;
            DesiredState.PathView view = new DesiredState.PathView() {
                public PathState state(String ifname) {
                    if (ifname.equals(lost)) return PathState.DOWN;
                    PathState known = paths.state(ifname);
                    return known == PathState.UNKNOWN && applied.probed().containsKey(ifname) ? PathState.UP : known;
                }

                public boolean held(String ifname) {
                    return !ifname.equals(lost) && paths.held(ifname);
                }
            };
            plans.put(lost, rehearse(core.slots().values(), view, actual));
        }
        return plans;
    }

    /**
     * A rehearsal's plan: what a reconciliation would change, from {@code actual}, were the slots
     * and the path verdicts those given, described as its records would be; nothing is applied,
     * recorded or remembered.
     */
    List<Action> rehearse(Collection<Slot> slots, DesiredState.PathView view, NetworkState actual) {
        DesiredState desired = DesiredState.of(core.config(), slots, new HashMap<>(), view, applied, handovers.keySet());
        List<Action> plan = Reconciler.plan(desired, applied, actual, index.cardPorts());
        Reconciler.activeSlaveMoves(plan, actual, desired);
        describe(plan, actual);
        return plan;
    }

    /** Each action as its record and, for a bond's options, its writes would say it. */
    static void describe(List<Action> plan, NetworkState actual) {
        for (Action a : plan) {
            a.describe();
            a.audit();
            if (!(a instanceof Action.SetBondOptions o)) continue;
            NetworkState.Bond b = actual.bond(o.bond());
            if (b != null) BondOptionPlan.plan(b.name(), b.options(), o.options(), !b.slaves().isEmpty(), true);
        }
    }

    /**
     * Records what changed for the services since the last observation (ServiceWatch), from
     * {@code settled} when nothing was changed since that read (it saves a read of the whole
     * network on every settle that reconciled), else from a read of its own.
     */
    void observe(Settled settled) {
        long readAt = settled != null ? settled.readAt() : clock.nanos();
        NetworkState actual = settled != null ? settled.network() : network.read();
        for (AuditEvent e : services.observe(core.config(), actual, this::portInService, readAt, trafficMoved)) record(e);
        trafficMoved.clear();
    }


    private String portInService(int slot, int subdevice) {
        Slot s = core.slots().get(slot);
        return s == null || !(s.inService() || s.comingIntoService() && s.configures(subdevice)) ? null : s.ports.get(subdevice);
    }
}
