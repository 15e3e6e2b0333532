package had.core;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.Commit;
import had.backplane.Backplane;
import had.backplane.BackplaneException;
import had.backplane.PathProbes;
import had.backplane.PathState;
import had.config.ChassisConfig;
import had.drivers.DriverException;
import had.drivers.Drivers;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import had.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the chassis's jobs (a card's insertion and removal, its extraction, its ports' health)
 * share: the ports to the world outside, the slots, the records, the mark that the network is to
 * be reconciled; and the steps each of them takes the same way: a slot's transition, a commit
 * before acting, the power-on of a slot, the unloading of drivers no card needs.
 */
final class ChassisCore implements Reconciliation.Core {
    private static final Logger log = LoggerFactory.getLogger(Chassis.class); // operators read the chassis's log as one
    /**
     * A slot's pending stage (the end of its ports' wait, of its extraction delay, of its quiesce
     * window) that failed half way, e.g. the kernel did not answer a read of the network, is tried
     * again after this wait, doubled at each failure in a row up to {@link #RETRY_MAX_NANOS}: every
     * stage can be taken again from where it stopped, and a slot never stays in a state with
     * nothing to take it further.
     */
    private static final long RETRY_FIRST_NANOS = 250_000_000L;
    private static final long RETRY_MAX_NANOS = 30_000_000_000L;

    final Backplane backplane;
    final Network network;
    final Drivers drivers;
    final Audit audit;
    final Clock clock;
    final Settings settings;
    final Map<Integer, Slot> slots = new TreeMap<>();
    final Paths paths;
    final ServiceWatch services;
    final Indicators indicators;
    final InterfaceIndex index;
    final Reconciliation reconciliation;
    final Rehearsal rehearsal = new Rehearsal();
    ChassisConfig config;
    /** Until the backplane's first inventory is complete, the network is left exactly as found. */
    boolean inventoryDone;
    /** Something changed that the network has not been reconciled with yet. */
    boolean dirty;
    /** Audit records were lost: what they would have said is recorded again at the next settle. */
    boolean restate;
    /** Records were written ahead of an action since the last commit: the event is committed before the next is acted on. */
    boolean wroteAhead;

    ChassisCore(ChassisConfig config, Settings settings, Backplane backplane, PathProbes probes, Network network,
                Drivers drivers, Audit audit, Clock clock) {
        this.paths = new Paths(probes);
        this.index = new InterfaceIndex(slots.values(), this::applied);
        this.services = new ServiceWatch(index::describe, paths::state, paths::loss);
        this.config = config;
        this.settings = settings;
        this.backplane = backplane;
        this.network = network;
        this.drivers = drivers;
        this.audit = audit;
        this.clock = clock;
        this.indicators = new Indicators(backplane, this::record, this::commit);
        this.reconciliation = new Reconciliation(this, network, paths, services, index, clock, settings);
        for (int n : config.slots().keySet()) slots.put(n, new Slot(n));
    }

    // ---- what the reconciliation borrows ----------------------------------------------------

    @Override
    public ChassisConfig config() {
        return config;
    }

    @Override
    public Map<Integer, Slot> slots() {
        return slots;
    }

    @Override
    public void fail(Slot s, String reason) {
        transition(s, SlotState.FAILED, reason);
    }

    @Override
    public void changed() {
        dirty = true;
    }

    /**
     * Plans and applies until nothing is left ({@link Reconciliation#run}), once the first inventory
     * is in: until then the network is left exactly as found.
     */
    Reconciliation.Settled reconcile() {
        return inventoryDone ? reconciliation.run() : null;
    }

    /**
     * A reconciliation that applies only what {@code now} takes (the rest waits for the next
     * settle), trusting the kernel's answers to a plan it made whole ({@link Reconciliation#runTrusting}).
     */
    Reconciliation.Settled reconcileTrusting(Predicate<Action> now) {
        return inventoryDone ? reconciliation.runTrusting(now) : null;
    }

    DesiredState applied() {
        return reconciliation.applied();
    }

    // ---- slots ------------------------------------------------------------------------------

    Slot slot(int n) {
        return slots.computeIfAbsent(n, Slot::new);
    }

    void transition(Slot s, SlotState to, String reason) {
        SlotState from = s.state;
        if (!from.mayBecome(to)) {
            throw new IllegalStateException("slot " + s.number + ": " + from + " -> " + to + " is not a transition of the slot life cycle");
        }
        s.state = to;
        s.reason = reason;
        record(stateRecord(s.number, from, to, reason));
        if (s.led != to.blueLed()) indicators.led(s, to.blueLed());
        if (to == SlotState.FAILED) indicators.attention(s, true);
    }

    /**
     * Runs a slot's stage. One that fails half way is recorded and armed again from now, once it
     * failed (see {@link #RETRY_FIRST_NANOS}): every stage can be taken again from where it stopped.
     */
    void take(Slot s, Stage stage) {
        try {
            stage.run().run();
            s.retryNanos = 0;
        } catch (RuntimeException e) {
            boolean expected = expected(e);
            String why = why(e);
            armAgain(s, stage, why);
            String again = "tried again in " + s.retryNanos / 1_000_000 + " ms";
            if (expected) log.warn("slot {}: {} failed ({}); {}", s.number, stage.name(), why, again);
            else log.error("slot {}: {} failed; {}", s.number, stage.name(), again, e);
        }
    }

    /** A failure of the kernel's interfaces had has words for (theirs), not a fault of had's own. */
    static boolean expected(Throwable e) {
        return e instanceof NetworkException || e instanceof BackplaneException || e instanceof DriverException;
    }

    /** What a failure says on record: the interface's own words, else what it is. */
    static String why(Throwable e) {
        return expected(e) ? e.getMessage() : e.toString();
    }

    /** Arms {@code stage} of {@code s} again, after a wait that doubles at each failure in a row; on record. */
    private void armAgain(Slot s, Stage stage, String why) {
        s.retryNanos = s.retryNanos == 0 ? RETRY_FIRST_NANOS : Math.min(2 * s.retryNanos, RETRY_MAX_NANOS);
        s.deadline = clock.nanos() + s.retryNanos;
        String again = "tried again in " + s.retryNanos / 1_000_000 + " ms";
        record(AuditEvent.of("slot.retry").with("slot", s.number).with("state", s.state.name()).with("stage", stage.name())
                .with("error", why).with("retry_ms", s.retryNanos / 1_000_000));
        s.reason = stage.name() + " failed (" + why + "): " + again;
    }

    /**
     * An event or command stopped half way (the kernel's interfaces failed where no stage takes it
     * again, a fault had has no words for, or a bug): on record, and every slot it left in a state
     * that awaits a stage with none armed ({@code stageOf}: the stage a slot's deadline would end)
     * gets that stage armed, as a stage that failed would be; a slot whose stage is armed already
     * keeps its time. No slot stays where nothing takes it further.
     */
    void stoppedHalfway(String handling, Throwable e, Function<Slot, Stage> stageOf) {
        record(AuditEvent.of("core.error").with("handling", handling).with("error", why(e)));
        for (Slot s : slots.values()) {
            if (s.deadline != 0) continue;
            Stage next = stageOf.apply(s);
            if (next != null) armAgain(s, next, handling + " stopped half way: " + why(e));
        }
        dirty = true;
    }

    static AuditEvent.Builder stateRecord(int slot, SlotState from, SlotState to, String reason) {
        return AuditEvent.of("slot.state").with("slot", slot).with("from", from.name()).with("to", to.name())
                .with("hpi", to.hpi().name()).with("reason", reason);
    }

    /** Powers a slot on (operator's insert command, or the handle closed on a powered-off card). */
    Outcome powerOn(int n, String source) {
        Slot s = slot(n);
        if (s.led) indicators.led(s, false); // no longer safe to pull once its power is on the way
        try {
            beforeActing();
            backplane.powerOn(n);
            record(AuditEvent.of("slot.power").with("slot", n).with("on", true).with("source", source));
            return Outcome.accepted("powered on");
        } catch (BackplaneException e) {
            record(AuditEvent.of("slot.power").with("slot", n).with("on", true).with("source", source)
                    .with("error", e.getMessage()));
            Outcome failed = Outcome.failed("power-on failed: " + e.getMessage());
            if (s.state != SlotState.EMPTY) transition(s, SlotState.FAILED, failed.text());
            return failed;
        }
    }

    /** Unloads the drivers of {@code leaving} that no other powered card uses. */
    void unloadUnusedDrivers(Slot leaving) {
        Set<String> inUse = new HashSet<>();
        for (Slot o : slots.values()) if (o != leaving && o.state.powered()) inUse.addAll(o.modules);
        for (String m : leaving.modules) {
            if (inUse.contains(m) || !drivers.isLoaded(m)) continue;
            try {
                beforeActing();
                drivers.unload(m);
                record(AuditEvent.of("driver.unload").with("slot", leaving.number).with("module", m));
            } catch (DriverException e) {
                record(AuditEvent.of("driver.error").with("slot", leaving.number).with("module", m)
                        .with("error", e.getMessage()));
            }
        }
    }

    // ---- the network ------------------------------------------------------------------------

    /** The configured bonds that exist in {@code actual}. */
    Collection<NetworkState.Bond> bondsOf(NetworkState actual) {
        List<NetworkState.Bond> out = new ArrayList<>();
        for (String name : config.bonds().keySet()) {
            NetworkState.Bond b = actual.bond(name);
            if (b != null) out.add(b);
        }
        return out;
    }

    boolean pathDead(String ifname) {
        return paths.state(ifname) == PathState.DOWN;
    }

    // ---- records ----------------------------------------------------------------------------

    /**
     * Writes what had recorded so far to the log before it changes anything outside itself (the
     * network, modules, power): the log says why before it says what, and a had that dies in the
     * middle leaves both. Durable (forced to disk) once the event is over, before the next one is
     * acted on, and before anything is reported done: a reply, READY, or an LED or indicator an
     * operator reads ({@link Indicators} commits first), so an action costs no fsync of its own on
     * its way. Events that change nothing share the commit that follows them, so a storm of
     * insertions costs a few fsyncs, not one per event. When the disk refuses the records had acts
     * all the same: they are held, in order, and written before anything recorded after them (see
     * {@link Commit}), because a card an operator pulls, or a port that dies, does not wait for a disk.
     */
    @Override
    public void beforeActing() {
        audit.writeAhead();
        wroteAhead = true;
    }

    /**
     * Commits what was recorded. After records were lost, the next settle records every service
     * and slot again: a reader does not know them from the records before the loss.
     */
    public Commit commit() {
        wroteAhead = false;
        Commit c = audit.commit();
        if (c instanceof Commit.Resumed) restate = true;
        return c;
    }

    void record(AuditEvent.Builder b) {
        record(b.build());
    }

    @Override
    public void record(AuditEvent e) {
        audit.record(e);
    }
}
