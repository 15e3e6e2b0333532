package had.core;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.Commit;
import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.PathProbes;
import had.config.ChassisConfig;
import had.drivers.Drivers;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import had.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core of had: the slots of one chassis and what their cards mean for the network.
 *
 * <p>Not thread-safe by design: exactly one thread (the daemon's event loop) calls it. It does no
 * I/O of its own; everything it learns or changes goes through the ports it was given.
 *
 * <p>This class dispatches: events and commands go to the job they belong to ({@link Insertion},
 * {@link Extraction}, {@link PortHealth}, over the state they share in {@link ChassisCore}); it
 * keeps what the loop asks of the whole chassis (settle, tick, the next deadline, readiness) and
 * the views for status and control.
 */
public final class Chassis {
    private static final Logger log = LoggerFactory.getLogger(Chassis.class);

    private final ChassisCore core;
    private final Insertion insertion;
    private final Extraction extraction;
    private final PortHealth health;
    /** The last reconciliation failed (said once until one succeeds). */
    private boolean reconcileFailing;
    /** Told once, when the first inventory has been reconciled (the daemon is then ready). */
    private Runnable onReady;
    private boolean readyTold;

    public Chassis(ChassisConfig config, Settings settings, Backplane backplane, Network network, Drivers drivers,
                   Audit audit, Clock clock) {
        this(config, settings, backplane, PathProbes.NONE, network, drivers, audit, clock);
    }

    public Chassis(ChassisConfig config, Settings settings, Backplane backplane, PathProbes probes, Network network,
                   Drivers drivers, Audit audit, Clock clock) {
        this.core = new ChassisCore(config, settings, backplane, probes, network, drivers, audit, clock);
        this.insertion = new Insertion(core);
        this.extraction = new Extraction(core);
        this.health = new PortHealth(core);
    }

    // ---- events from the backplane -------------------------------------------------------

    public void handle(BackplaneEvent event) {
        whole(() -> "the event " + event.getClass().getSimpleName() + (event.slot() > 0 ? " of slot " + event.slot() : ""), () -> {
            dispatch(event);
            return null;
        });
    }

    private void dispatch(BackplaneEvent event) {
        if (event instanceof BackplaneEvent.CardInserted e) insertion.cardInserted(e.slot(), e.functions(), e.at());
        else if (event instanceof BackplaneEvent.CardOff e) insertion.cardOff(e.slot(), e.functions());
        else if (event instanceof BackplaneEvent.AerErrors e) health.aerErrors(e);
        else if (event instanceof BackplaneEvent.NetdevAdded e) insertion.netdevAdded(e.slot(), e.function(), e.ifname());
        else if (event instanceof BackplaneEvent.NetdevRemoved e) insertion.netdevRemoved(e.ifname());
        else if (event instanceof BackplaneEvent.LinkChanged e) health.linkChanged(e.ifname(), e.carrier(), e.at());
        else if (event instanceof BackplaneEvent.ExtractionRequested e) extraction.request(e.slot(), false, "handle");
        else if (event instanceof BackplaneEvent.ExtractionCancelled e) extraction.cancel(e.slot(), "handle");
        else if (event instanceof BackplaneEvent.CardRemoved e) insertion.cardRemoved(e.slot());
        else if (event instanceof BackplaneEvent.PathChanged e) health.pathChanged(e);
        else if (event instanceof BackplaneEvent.Resync e) resync(e.occupied());
        else throw new IllegalArgumentException("no handler for backplane event " + event);
    }

    /**
     * Handles an event or a command whole (its name for the record made only if needed): one that
     * stops half way (a fault had has no words for) is on record and leaves no slot without its
     * next stage armed ({@link ChassisCore#stoppedHalfway});
     * the exception goes on to the caller (the loop logs it, a client is told).
     */
    private <T> T whole(Supplier<String> handling, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) throw e; // nothing sure can be done any more
            try {
                core.stoppedHalfway(handling.get(), e, this::dueStage);
            } catch (RuntimeException | Error inner) {
                e.addSuppressed(inner);
            }
            throw e;
        }
    }

    /**
     * Brings the network in line with everything handled since the last call, then records what
     * changed for the services. The event loop calls it whenever its queue is empty, so a storm
     * of events (a chassis powering up) is reconciled once, not once per event. Everything
     * recorded is durable when this returns.
     */
    public void settle() {
        // Twice at most: a reconcile that restarted probes plans once more without their verdicts.
        // What the last reconciliation read, if nothing changed since: the services are observed on it.
        Reconciliation.Settled settled = null;
        try {
            for (int i = 0; i < 2 && core.dirty; i++) {
                core.dirty = false;
                settled = core.reconcile();
            }
        } catch (RuntimeException e) {
            // Whatever stopped it, the network is still to be reconciled: at the next settle. A
            // failure that lasts is said once, not at every turn of the loop.
            core.dirty = true;
            if (!reconcileFailing) {
                reconcileFailing = true;
                if (e instanceof NetworkException) {
                    core.record(AuditEvent.of("net.error").with("action", "reconcile the network (tried again at every event,"
                            + " and every second, until it can)").with("error", e.getMessage()));
                } else {
                    log.error("reconciling the network failed; tried again at every event and every second", e);
                }
            }
            commit();
            return;
        }
        reconcileFailing = false;
        if (core.inventoryDone && !readyTold && onReady != null) {
            readyTold = true;
            commit();
            onReady.run();
        }
        for (Slot s : core.slots.values()) {
            if (s.state == SlotState.ACTIVE && s.inServicePending) {
                s.inServicePending = false;
                core.record(AuditEvent.of("slot.in-service").with("slot", s.number)
                        .with("ms", (core.clock.nanos() - s.insertedAt) / 1_000_000));
            }
        }
        if (core.restate) restate();
        try {
            if (core.inventoryDone) core.reconciliation.observe(settled);
        } catch (NetworkException e) {
            // What the services did meanwhile is seen at the next settle, dated by that read.
            log.warn("the network could not be read to observe the services: {}", e.getMessage());
        }
        if (settled != null && settled.network() != null) {
            core.rehearsal.saw(Rehearsal.activeSlaves(settled.network()), core.clock.nanos());
        }
        commit();
    }

    /** Runs what is due: port timeouts, the end of quiesce and handover windows. */
    public void tick() {
        whole(() -> "the timers", () -> {
            runDue();
            return null;
        });
    }

    private void runDue() {
        long now = core.clock.nanos();
        if (core.reconciliation.endHandovers(now)) core.dirty = true;
        for (Slot s : core.slots.values()) {
            if (s.deadline == 0 || now - s.deadline < 0) continue;
            s.deadline = 0;
            Stage due = dueStage(s);
            if (due != null) core.take(s, due);
        }
        health.releaseQuiet(now);
        for (String ifname : core.paths.endHolds(now)) {
            core.record(AuditEvent.of("path.trusted").with("ifname", ifname).with("reason", "up through its hold after flapping"));
            core.dirty = true;
        }
        commit();
        if (core.rehearsal.isDue(now)) rehearse();
    }

    /** Rehearses what moves an active slave, on a fresh reading (see {@link Rehearsal}). */
    private void rehearse() {
        try {
            NetworkState actual = core.network.read();
            core.rehearsal.done(Rehearsal.activeSlaves(actual), core.reconciliation.rehearsePathLosses(actual),
                    extraction.rehearse(actual));
        } catch (RuntimeException e) {
            // It only saves time: what it runs into, the real reaction says.
            log.debug("rehearsing what moves an active slave: {}", e.toString());
            core.rehearsal.gaveUp();
        }
    }

    /** What the last rehearsal planned, per supervised active slave whose path loss it rehearsed. */
    Map<String, List<Action>> rehearsed() {
        return core.rehearsal.pathLosses();
    }

    /** What the last rehearsal planned, per slot whose planned extraction it rehearsed. */
    Map<Integer, List<Action>> rehearsedExtractions() {
        return core.rehearsal.extractions();
    }

    /** The stage a slot's deadline ends, or null when its state has none. */
    private Stage dueStage(Slot s) {
        return s.state == SlotState.INSERTING ? insertion.due(s) : extraction.due(s);
    }

    /** The monotonic time of the next {@link #tick()} that has work, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        long next = health.nextQuietEnd();
        for (Slot s : core.slots.values()) if (s.deadline != 0 && s.deadline - next < 0) next = s.deadline;
        long handover = core.reconciliation.nextHandoverEnd();
        if (handover - next < 0) next = handover;
        long hold = core.paths.nextHoldEnd();
        if (hold - next < 0) next = hold;
        long rehearsal = core.rehearsal.nextDeadline();
        return rehearsal - next < 0 ? rehearsal : next;
    }

    private void resync(Set<Integer> occupied) {
        for (Slot s : core.slots.values()) {
            if (s.state != SlotState.EMPTY && !occupied.contains(s.number)) insertion.cardRemoved(s.number);
        }
        boolean first = !core.inventoryDone;
        core.inventoryDone = true;
        core.record(AuditEvent.of("backplane.resync").with("occupied", occupied.size()).with("first", first));
        if (first) core.indicators.showAll(core.slots.values());
        core.dirty = true;
    }

    // ---- operators' commands -------------------------------------------------------------

    /**
     * An operator's {@code insert}: admits a card that waits for it (insertion = manual), else
     * powers the slot on (a card left in a powered-off slot comes into service).
     */
    public Outcome insert(int n, String source) {
        return whole(() -> "hadctl insert " + n, () -> insertion.insert(n, source));
    }

    /**
     * An extraction request, from the handle or from an operator's command. A request that would
     * take away the last working slave of a bond is refused unless {@code force}: the blue LED
     * stays off and the attention indicator says why the card must stay.
     *
     * @return the outcome, also recorded
     */
    public Outcome requestExtraction(int n, boolean force, String source) {
        return whole(() -> "the extraction request of slot " + n, () -> extraction.request(n, force, source));
    }

    /** The handle closed again, or an operator cancelled: put the card back in service. */
    public Outcome cancelExtraction(int n, String source) {
        return whole(() -> "the cancellation of slot " + n + "'s extraction", () -> extraction.cancel(n, source));
    }

    /** Powers a slot on (operator's insert command, or the handle closed on a powered-off card). */
    public Outcome powerOn(int n, String source) {
        return whole(() -> "the power-on of slot " + n, () -> core.powerOn(n, source));
    }

    /**
     * An operator's {@code clear}: every quarantined port of the slot back in service now, and an
     * ailing card trusted with traffic again (its error count starts over).
     */
    public Outcome clear(int n, String source) {
        return whole(() -> "hadctl clear " + n, () -> health.clear(n, source));
    }

    // ---- configuration ------------------------------------------------------------------

    /**
     * Switches to a new, already validated configuration and applies only the difference:
     * bonds, ports and addresses whose configuration did not change are not touched.
     */
    public void reload(ChassisConfig next) {
        whole(() -> "the reload of the configuration", () -> {
            core.config = next;
            for (int n : next.slots().keySet()) core.slot(n);
            core.record(AuditEvent.of("config.applied").with("had_conf", String.valueOf(next.hadConf()))
                    .with("drivers_conf", String.valueOf(next.driversConf())));
            core.dirty = true;
            return null;
        });
    }

    // ---- the audit log --------------------------------------------------------------------

    /**
     * Commits what was recorded (the event loop commits through here too). After records were
     * lost, the next {@link #settle} records every service and slot again: a reader does not know
     * them from the records before the loss.
     */
    public Commit commit() {
        return core.commit();
    }

    /** Records were written ahead of an action and not yet committed: commit before the next event is acted on. */
    public boolean actedUncommitted() {
        return core.wroteAhead;
    }

    private void restate() {
        core.restate = false;
        core.services.forget();
        for (Slot s : core.slots.values()) {
            core.record(ChassisCore.stateRecord(s.number, s.state, s.state, "restated: audit records were lost"));
        }
    }

    // ---- views --------------------------------------------------------------------------

    /**
     * The slots whose extraction has begun moving traffic (handed over, in the quiesce window)
     * and is not finished: a stopping had finishes them first. An extraction still waiting out
     * its extraction_delay has moved nothing and is not among them.
     */
    public List<Integer> extractionsUnderway() {
        List<Integer> out = new ArrayList<>();
        for (Slot s : core.slots.values()) if (s.state == SlotState.EXTRACTING && s.extractAt == 0) out.add(s.number);
        return out;
    }

    public List<SlotView> slots() {
        List<SlotView> out = new ArrayList<>();
        for (Slot s : core.slots.values()) out.add(view(s));
        return out;
    }

    public SlotView slotView(int n) {
        Slot s = core.slots.get(n);
        return s == null ? new SlotView(n, SlotState.EMPTY, null, List.of(), Map.of(), List.of(), false, false, List.of(), null) : view(s);
    }

    private static SlotView view(Slot s) {
        return new SlotView(s.number, s.state, s.reason, s.functions, s.ports, List.copyOf(s.modules), s.led, s.attention,
                List.copyOf(s.quarantined.keySet()), s.ailing);
    }

    public ChassisConfig config() {
        return core.config;
    }

    /**
     * Runs {@code r} (on the core thread) once the backplane's first inventory has been reconciled
     * with the network; at once if that has already happened.
     */
    public void onReady(Runnable r) {
        onReady = r;
        readyTold = false;
        if (core.inventoryDone && !core.dirty) {
            readyTold = true;
            r.run();
        }
    }

    /** Each configured bond as the kernel has it now, for status output. Reads, changes nothing. */
    public List<BondView> bonds() {
        return BondViews.of(core.config, core.network.read(), core.applied(), core.paths, core.services, core.index);
    }
}
