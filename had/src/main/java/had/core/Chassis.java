package had.core;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.Commit;
import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.backplane.PathProbes;
import had.backplane.PathState;
import had.backplane.PciFunction;
import had.backplane.PciId;
import had.config.ChassisConfig;
import had.config.HotSwapPolicy;
import had.config.SlotConfig;
import had.drivers.DriverException;
import had.drivers.Drivers;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import had.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core of had: the slots of one chassis and what their cards mean for the network.
 *
 * <p>Not thread-safe by design: exactly one thread (the daemon's event loop) calls it. It does no
 * I/O of its own; everything it learns or changes goes through the ports it was given.
 */
public final class Chassis {
    private static final Logger log = LoggerFactory.getLogger(Chassis.class);
    /**
     * A slot's pending stage (the end of its ports' wait, of its extraction delay, of its quiesce
     * window) that failed half way, e.g. the kernel did not answer a read of the network, is tried
     * again after this wait, doubled at each failure in a row up to {@link #RETRY_MAX_NANOS}: every
     * stage can be taken again from where it stopped, and a slot never stays in a state with
     * nothing to take it further.
     */
    private static final long RETRY_FIRST_NANOS = 250_000_000L;
    private static final long RETRY_MAX_NANOS = 30_000_000_000L;

    private final Backplane backplane;
    private final Network network;
    private final Drivers drivers;
    private final Audit audit;
    private final Clock clock;
    private final Settings settings;
    private final Map<Integer, Slot> slots = new TreeMap<>();
    private final Paths paths;
    private final ServiceWatch services;
    private final Indicators indicators;
    private ChassisConfig config;
    private final Reconciliation reconciliation;
    private final InterfaceIndex index;
    /** Until the backplane's first inventory is complete, the network is left exactly as found. */
    private boolean inventoryDone;
    /** Something changed that the network has not been reconciled with yet. */
    private boolean dirty;
    /** The last reconciliation failed (said once until one succeeds). */
    private boolean reconcileFailing;
    /** Audit records were lost: what they would have said is recorded again at the next settle. */
    private boolean restate;
    /** Told once, when the first inventory has been reconciled (the daemon is then ready). */
    private Runnable onReady;
    private boolean readyTold;

    public Chassis(ChassisConfig config, Settings settings, Backplane backplane, Network network, Drivers drivers,
                   Audit audit, Clock clock) {
        this(config, settings, backplane, PathProbes.NONE, network, drivers, audit, clock);
    }

    public Chassis(ChassisConfig config, Settings settings, Backplane backplane, PathProbes probes, Network network,
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
        this.indicators = new Indicators(backplane, this::record, this::beforeActing);
        this.reconciliation = new Reconciliation(new LifeCycle(), network, paths, services, index, clock, settings);
        for (int n : config.slots().keySet()) slots.put(n, new Slot(n));
    }

    // ---- events from the backplane -------------------------------------------------------

    public void handle(BackplaneEvent event) {
        if (event instanceof BackplaneEvent.CardInserted e) cardInserted(e.slot(), e.functions(), e.at());
        else if (event instanceof BackplaneEvent.CardOff e) cardOff(e.slot(), e.functions());
        else if (event instanceof BackplaneEvent.AerErrors e) aerErrors(e);
        else if (event instanceof BackplaneEvent.NetdevAdded e) netdevAdded(e.slot(), e.function(), e.ifname());
        else if (event instanceof BackplaneEvent.NetdevRemoved e) netdevRemoved(e.ifname());
        else if (event instanceof BackplaneEvent.LinkChanged e) linkChanged(e.ifname(), e.carrier(), e.at());
        else if (event instanceof BackplaneEvent.ExtractionRequested e) requestExtraction(e.slot(), false, "handle");
        else if (event instanceof BackplaneEvent.ExtractionCancelled e) cancelExtraction(e.slot(), "handle");
        else if (event instanceof BackplaneEvent.CardRemoved e) cardRemoved(e.slot());
        else if (event instanceof BackplaneEvent.PathChanged e) pathChanged(e);
        else if (event instanceof BackplaneEvent.Resync e) resync(e.occupied());
        else throw new IllegalArgumentException("no handler for backplane event " + event);
    }

    /**
     * Brings the network in line with everything handled since the last call, then records what
     * changed for the services. The event loop calls it whenever its queue is empty, so a storm
     * of events (a chassis powering up) is reconciled once, not once per event. Everything
     * recorded is durable when this returns.
     */
    public void settle() {
        // Twice at most: a reconcile that restarted probes plans once more without their verdicts.
        try {
            for (int i = 0; i < 2 && dirty; i++) {
                dirty = false;
                reconcile();
            }
        } catch (RuntimeException e) {
            // Whatever stopped it, the network is still to be reconciled: at the next settle. A
            // failure that lasts is said once, not at every turn of the loop.
            dirty = true;
            if (!reconcileFailing) {
                reconcileFailing = true;
                if (e instanceof NetworkException) {
                    record(AuditEvent.of("net.error").with("action", "reconcile the network (tried again at every event,"
                            + " and every second, until it can)").with("error", e.getMessage()));
                } else {
                    log.error("reconciling the network failed; tried again at every event and every second", e);
                }
            }
            commit();
            return;
        }
        reconcileFailing = false;
        if (inventoryDone && !readyTold && onReady != null) {
            readyTold = true;
            commit();
            onReady.run();
        }
        for (Slot s : slots.values()) {
            if (s.state == SlotState.ACTIVE && s.inServicePending) {
                s.inServicePending = false;
                record(AuditEvent.of("slot.in-service").with("slot", s.number)
                        .with("ms", (clock.nanos() - s.insertedAt) / 1_000_000));
            }
        }
        if (restate) restate();
        try {
            observe();
        } catch (NetworkException e) {
            // What the services did meanwhile is seen at the next settle, dated by that read.
            log.warn("the network could not be read to observe the services: {}", e.getMessage());
        }
        commit();
    }

    /** Runs what is due: port timeouts, the end of quiesce and handover windows. */
    public void tick() {
        long now = clock.nanos();
        if (reconciliation.endHandovers(now)) dirty = true;
        for (Slot s : slots.values()) {
            if (s.deadline == 0 || now - s.deadline < 0) continue;
            s.deadline = 0;
            Stage due = dueStage(s);
            if (due != null) take(s, due);
        }
        for (Slot s : slots.values()) {
            for (Map.Entry<Integer, Long> q : new ArrayList<>(s.quarantined.entrySet())) {
                if (now - quietEnd(s, q.getValue()) >= 0) {
                    release(s, q.getKey(), "quiet for " + config.policy(s.number).flapQuietMs() + " ms");
                }
            }
        }
        for (String ifname : paths.endHolds(now)) {
            record(AuditEvent.of("path.trusted").with("ifname", ifname).with("reason", "up through its hold after flapping"));
            dirty = true;
        }
        commit();
    }

    /** A slot's pending stage: what it is called on record, and what it does. */
    private record Stage(String name, Runnable run) {
    }

    /** The stage a slot's deadline ends, or null when its state has none. */
    private Stage dueStage(Slot s) {
        if (s.state == SlotState.INSERTING) return new Stage("the end of the wait for the card's ports", () -> portsTimedOut(s));
        if (s.state != SlotState.EXTRACTING) return null;
        if (s.extractAt != 0) return new Stage("the end of the extraction delay", () -> extractionDelayOver(s));
        return new Stage("the end of the quiesce window", () -> finishExtraction(s));
    }

    /**
     * Runs a slot's stage. One that fails half way is recorded and armed again from now, once it
     * failed (see {@link #RETRY_FIRST_NANOS}): every stage can be taken again from where it stopped.
     */
    private void take(Slot s, Stage stage) {
        try {
            stage.run().run();
            s.retryNanos = 0;
        } catch (RuntimeException e) {
            s.retryNanos = s.retryNanos == 0 ? RETRY_FIRST_NANOS : Math.min(2 * s.retryNanos, RETRY_MAX_NANOS);
            s.deadline = clock.nanos() + s.retryNanos;
            boolean expected = e instanceof NetworkException || e instanceof BackplaneException || e instanceof DriverException;
            String why = expected ? e.getMessage() : e.toString();
            String again = "tried again in " + s.retryNanos / 1_000_000 + " ms";
            if (expected) log.warn("slot {}: {} failed ({}); {}", s.number, stage.name(), why, again);
            else log.error("slot {}: {} failed; {}", s.number, stage.name(), again, e);
            record(AuditEvent.of("slot.retry").with("slot", s.number).with("state", s.state.name()).with("stage", stage.name())
                    .with("error", why).with("retry_ms", s.retryNanos / 1_000_000));
            s.reason = stage.name() + " failed (" + why + "): " + again;
        }
    }

    /** The monotonic time of the next {@link #tick()} that has work, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Slot s : slots.values()) {
            if (s.deadline != 0 && s.deadline - next < 0) next = s.deadline;
            for (long last : s.quarantined.values()) if (quietEnd(s, last) - next < 0) next = quietEnd(s, last);
        }
        long handover = reconciliation.nextHandoverEnd();
        if (handover - next < 0) next = handover;
        long hold = paths.nextHoldEnd();
        return hold - next < 0 ? hold : next;
    }

    // ---- insertion ----------------------------------------------------------------------

    private void cardInserted(int n, List<PciFunction> functions, long at) {
        Slot s = slot(n);
        if (s.state != SlotState.EMPTY && s.state != SlotState.SAFE_TO_REMOVE && sameCard(s.functions, functions)) {
            return; // the same card reported again by an inventory: nothing changed
        }
        if (s.state != SlotState.EMPTY && s.state != SlotState.SAFE_TO_REMOVE) {
            // A different card where we believed another one was: the first left unseen.
            cardRemoved(n);
        }
        s.clearCard();
        s.functions = List.copyOf(functions);
        s.insertedAt = at;
        record(AuditEvent.of("card.inserted").with("slot", n).with("functions", describe(functions)));
        SlotConfig expected = config.slots().get(n);
        boolean wrong = expected != null && !expected.expects(functions);
        // A card found when had starts was there before it: a restart never takes one out of service.
        boolean manual = !wrong && inventoryDone && config.policy(n).manualInsertion();
        transition(s, SlotState.INSERTING, manual ? "waits for an operator to admit it: hadctl insert " + n
                + " (insertion = manual in " + config.hadConf() + ")" : null);
        if (wrong) {
            refuseWrongCard(s, expected.card(), functions);
            return;
        }
        if (manual) {
            s.awaitingAdmission = true;
            return;
        }
        admit(s);
    }

    /**
     * A card in a powered-off slot. Found so by an inventory (had restarted after powering it off,
     * or someone else powered it off): safe to remove, and it stays off until an operator powers
     * it on, as the LED it had said. Its power gone while had used it: the ports went with it
     * (their loss is recorded), the card is safe to pull now, and the attention indicator asks
     * the operator to look.
     */
    private void cardOff(int n, List<PciFunction> functions) {
        Slot s = slot(n);
        switch (s.state) {
            case SAFE_TO_REMOVE -> { } // had powered it off
            case EMPTY -> {
                s.clearCard();
                s.functions = List.copyOf(functions);
                record(AuditEvent.of("card.inserted").with("slot", n).with("functions", describe(functions))
                        .with("powered", false));
                transition(s, SlotState.SAFE_TO_REMOVE, "found powered off: hadctl insert " + n + " powers it on");
            }
            default -> {
                SlotState before = s.state;
                List<PciFunction> known = s.functions;
                Set<String> modules = new LinkedHashSet<>(s.modules);
                s.clearCard();
                s.functions = known;
                s.lostPowerIn = before;
                record(AuditEvent.of("slot.power-lost").with("slot", n).with("state", before.name()));
                transition(s, SlotState.SAFE_TO_REMOVE, "power lost while " + before + ", with no request");
                indicators.attention(s, true);
                unloadDriversLeft(s, modules);
            }
        }
    }

    /**
     * An operator's {@code insert}: admits a card that waits for it (insertion = manual), else
     * powers the slot on (a card left in a powered-off slot comes into service).
     */
    public Outcome insert(int n, String source) {
        Slot s = slot(n);
        if (s.state != SlotState.INSERTING || !s.awaitingAdmission) return powerOn(n, source);
        s.awaitingAdmission = false;
        s.reason = null;
        record(AuditEvent.of("card.admitted").with("slot", n).with("source", source));
        admit(s);
        dirty = true; // ports the loaded driver bound while the card waited take their configuration now
        return Outcome.accepted("card admitted");
    }

    /** Brings an inserted card into service: its drivers, then its ports (see {@link #netdevAdded}). */
    private void admit(Slot s) {
        int n = s.number;
        List<PciFunction> functions = s.functions;
        Set<String> unknown = new LinkedHashSet<>();
        for (PciFunction f : functions) {
            Optional<String> bound = drivers.boundDriver(f.address());
            if (bound.isPresent()) {
                s.modules.add(bound.get());
                continue;
            }
            Optional<String> module = config.drivers().moduleFor(f.id());
            if (module.isPresent()) s.modules.add(module.get());
            else if (f.isNetwork()) unknown.add(f.id().toString());
        }
        if (s.modules.isEmpty()) {
            record(AuditEvent.of("card.unknown").with("slot", n).with("ids", String.join(", ", unknown)));
            transition(s, SlotState.IGNORED, "unknown card " + String.join(", ", unknown)
                    + ": no driver bound and none in " + config.driversConf());
            return;
        }
        for (String m : s.modules) {
            if (drivers.isLoaded(m)) continue;
            try {
                beforeActing();
                drivers.load(m);
                record(AuditEvent.of("driver.load").with("slot", n).with("module", m));
            } catch (DriverException e) {
                record(AuditEvent.of("driver.error").with("slot", n).with("module", m).with("error", e.getMessage()));
                transition(s, SlotState.FAILED, "driver " + m + " failed to load: " + e.getMessage());
                return;
            }
        }
        s.deadline = clock.nanos() + settings.portTimeoutMs() * 1_000_000L;
        activateIfReady(s);
    }

    /**
     * A card other than the one {@code [slot N]} names is left alone (no driver, no port
     * configured: the slot's configuration was written for another card), with its attention
     * indicator lit so that the technician who seated it sees it at once.
     */
    private void refuseWrongCard(Slot s, PciId expected, List<PciFunction> functions) {
        Set<String> found = new LinkedHashSet<>();
        for (PciFunction f : functions) found.add(f.id().toString());
        String ids = String.join(", ", found);
        record(AuditEvent.of("card.unexpected").with("slot", s.number).with("expected", expected.toString())
                .with("found", ids));
        transition(s, SlotState.IGNORED, "wrong card: slot " + s.number + " expects " + expected + " ("
                + config.hadConf() + "), found " + ids);
        indicators.attention(s, true);
    }

    private void netdevAdded(int n, PciFunction f, String ifname) {
        Slot s = slots.get(n);
        if (s == null || s.state == SlotState.EMPTY) {
            record(AuditEvent.of("port.unexpected").with("slot", n).with("ifname", ifname)
                    .with("reason", "interface appeared in a slot with no card"));
            return;
        }
        int sub = s.subdeviceOf(f);
        if (sub < 0) {
            record(AuditEvent.of("port.unexpected").with("slot", n).with("ifname", ifname)
                    .with("reason", "function " + f.address() + " is not one of the card's network functions"));
            return;
        }
        if (ifname.equals(s.ports.get(sub))) return;
        s.ports.put(sub, ifname);
        record(AuditEvent.of("port.added").with("slot", n).with("port", sub).with("ifname", ifname)
                .with("function", f.address()));
        // A driver already loaded binds a waiting card's ports by itself: they wait with it.
        if (s.takenIn()) dirty = true;
        if (s.comingIntoService()) activateIfReady(s);
    }

    private void activateIfReady(Slot s) {
        if (!s.allPortsPresent()) return;
        s.deadline = 0;
        transition(s, SlotState.ACTIVE, null);
        s.inServicePending = true;
        dirty = true;
    }

    private void portsTimedOut(Slot s) {
        List<String> missing = new ArrayList<>();
        List<PciFunction> net = s.networkFunctions();
        for (int i = 0; i < net.size(); i++) if (!s.ports.containsKey(i)) missing.add(net.get(i).address());
        transition(s, SlotState.FAILED, "no network interface appeared for " + String.join(", ", missing)
                + " within " + settings.portTimeoutMs() + " ms of loading " + String.join(", ", s.modules));
        dirty = true; // the ports that did appear were configured: they leave their bonds now
    }

    // ---- extraction ---------------------------------------------------------------------

    /**
     * An extraction request, from the handle or from an operator's command. A request that would
     * take away the last working slave of a bond is refused unless {@code force}: the blue LED
     * stays off and the attention indicator says why the card must stay.
     *
     * @return the outcome, also recorded
     */
    public Outcome requestExtraction(int n, boolean force, String source) {
        Slot s = slot(n);
        AuditEvent.Builder req = AuditEvent.of("extraction.requested").with("slot", n).with("source", source)
                .with("forced", force);
        Outcome nothing = switch (s.state) {
            case EMPTY -> Outcome.notApplicable("the slot is empty");
            case EXTRACTING -> Outcome.alreadySo("extraction already in progress");
            case SAFE_TO_REMOVE -> Outcome.alreadySo("already safe to remove");
            default -> null;
        };
        if (nothing != null) {
            record(req.with("outcome", nothing.text()));
            return nothing;
        }
        NetworkState actual = network.read();
        Set<String> leaving = index.interfacesOf(s);
        ExtractionGuard.Refusal refusal = force || !s.takenIn() ? null
                : ExtractionGuard.check(actual, bondsOf(actual), leaving, this::pathDead);
        if (refusal != null) {
            Outcome refused = Outcome.refused(refusal.reason()
                    + " (close the handle, or force the extraction to accept the outage)");
            record(req.with("outcome", refused.text()).with("bond", refusal.bond()));
            indicators.attention(s, true);
            return refused;
        }
        Outcome accepted = Outcome.accepted("accepted");
        record(req.with("outcome", accepted.text()));
        s.quiesced = false;
        long delay = config.policy(n).extractionDelayNanos();
        if (delay > 0 && s.state == SlotState.ACTIVE) {
            // HPI's auto-extract timeout: the card stays in service, and a closed handle keeps it with nothing moved.
            transition(s, SlotState.EXTRACTING, "had acts in " + delay / 1_000_000 + " ms unless the handle closes"
                    + " or hadctl cancel " + n + (force ? " (forced by " + source + ")" : ""));
            s.extractAt = clock.nanos() + delay;
            s.extractionForced = force;
            s.deadline = s.extractAt;
            return accepted;
        }
        transition(s, SlotState.EXTRACTING, force ? "forced by " + source : null);
        beginExtraction(s, actual);
        return accepted;
    }

    /**
     * The extraction delay is over: the guard is asked again (the chassis may have changed since
     * the handle opened), then had acts as on an undelayed request.
     */
    private void extractionDelayOver(Slot s) {
        NetworkState actual = network.read();
        s.extractAt = 0;
        ExtractionGuard.Refusal refusal = s.extractionForced ? null
                : ExtractionGuard.check(actual, bondsOf(actual), index.interfacesOf(s), this::pathDead);
        if (refusal != null) {
            record(AuditEvent.of("extraction.refused").with("slot", s.number).with("bond", refusal.bond())
                    .with("reason", refusal.reason()));
            transition(s, SlotState.ACTIVE, null);
            indicators.attention(s, true);
            return;
        }
        s.reason = s.extractionForced ? "forced" : null;
        beginExtraction(s, actual);
    }

    /** Moves active slaves off the card (handing over), then waits out the quiesce window. */
    private void beginExtraction(Slot s, NetworkState actual) {
        int n = s.number;
        Set<String> leaving = index.interfacesOf(s);
        long windowFrom = clock.nanos();
        for (NetworkState.Bond b : bondsOf(actual)) {
            if (!b.options().mode().hasActiveSlave() || !leaving.contains(b.activeSlave())) continue;
            String next = ActiveSlaveChoice.successor(actual, b, leaving, this::pathDead);
            if (next == null) {
                record(AuditEvent.of("bond.no-successor").with("bond", b.name()).with("slot", n));
                continue;
            }
            // Frames already on their way to the old port (the switch learns the new one from the
            // driver's gratuitous ARP) are delivered, not dropped, until the card's ports are released.
            s.handoverBonds.add(b.name());
            // The window runs from the move: the records' commit and what follows take place in it.
            windowFrom = reconciliation.apply(List.of(new Action.SetAllSlavesActive(b.name(), true, "extraction of slot " + n),
                    new Action.SetActiveSlave(b.name(), next, "extraction of slot " + n)));
        }
        if (settings.quiesceMs() == 0) take(s, dueStage(s));
        else s.deadline = reconciliation.windowEnd(windowFrom);
    }

    private void finishExtraction(Slot s) {
        s.handoverBonds.clear();
        s.quiesced = true;
        // The slot is no longer in service: its ports leave their bonds, addresses go.
        NetworkState after = reconcile();
        // A port still in a bond may be carrying its traffic again (a bond whose primary is
        // cleared takes its first working slave): powering the card off would be an outage, so
        // the stage is taken again later, the card in service meanwhile.
        if (after == null) after = network.read();
        List<String> stuck = new ArrayList<>();
        for (NetworkState.Link l : after.links().values()) {
            String port = l.vlanParent() != null ? l.vlanParent() : l.name(); // a VLAN of the card's counts too
            if (s.ports.containsValue(port) && l.master() != null && config.bonds().containsKey(l.master())) {
                stuck.add(l.name() + " in " + l.master());
            }
        }
        if (!stuck.isEmpty()) throw new NetworkException("not released: " + String.join(", ", stuck));
        unloadUnusedDrivers(s);
        try {
            beforeActing();
            backplane.powerOff(s.number);
            record(AuditEvent.of("slot.power").with("slot", s.number).with("on", false));
        } catch (BackplaneException e) {
            transition(s, SlotState.FAILED, "power-off failed: " + e.getMessage());
            return;
        }
        indicators.attention(s, false);
        transition(s, SlotState.SAFE_TO_REMOVE, null);
    }

    /** The handle closed again, or an operator cancelled: put the card back in service. */
    public Outcome cancelExtraction(int n, String source) {
        Slot s = slot(n);
        AuditEvent.Builder ev = AuditEvent.of("extraction.cancelled").with("slot", n).with("source", source);
        Outcome outcome;
        switch (s.state) {
            case EXTRACTING -> {
                if (s.extractAt != 0) {
                    record(ev.with("outcome", (outcome = Outcome.accepted("kept: had had not acted yet")).text()));
                    s.extractAt = 0;
                    s.deadline = 0;
                    transition(s, SlotState.ACTIVE, null);
                    return outcome;
                }
                record(ev.with("outcome", (outcome = Outcome.accepted("restored")).text()));
                s.deadline = 0;
                // The extraction's handover goes on for the move back to the primary (restorePrimaries).
                long end = reconciliation.windowEnd();
                for (String b : s.handoverBonds) reconciliation.stretchHandover(b, end);
                s.handoverBonds.clear();
                s.retryNanos = 0;
                transition(s, SlotState.ACTIVE, null);
                dirty = true; // should this reconciliation fail, the next settle makes it
                reconcile();
                restorePrimaries(s);
            }
            case SAFE_TO_REMOVE -> {
                // PICMG 2.1: a closed handle on a powered-off board asks for it to be powered again.
                record(ev.with("outcome", (outcome = Outcome.accepted("powering the slot on again")).text()));
                Outcome on = powerOn(n, source);
                if (on.kind() == Outcome.Kind.FAILED) outcome = on;
            }
            default -> {
                if (s.attention) {
                    record(ev.with("outcome", (outcome = Outcome.accepted("refused request withdrawn")).text()));
                    indicators.attention(s, false);
                } else {
                    record(ev.with("outcome", (outcome = Outcome.notApplicable("no extraction in progress")).text()));
                }
            }
        }
        return outcome;
    }

    /**
     * The extraction moved active slaves away from this card; nothing in the driver moves them
     * back (the primary never failed), so a cancelled extraction hands them back explicitly.
     */
    private void restorePrimaries(Slot s) {
        NetworkState actual = network.read();
        for (NetworkState.Bond b : bondsOf(actual)) {
            DesiredState.Bond d = applied().bonds().get(b.name());
            String primary = d == null ? null : d.options().primary();
            if (primary == null || primary.equals(b.activeSlave()) || !index.interfacesOf(s).contains(primary)) continue;
            if (!b.options().mode().hasActiveSlave() || !Boolean.TRUE.equals(b.slaveUp().get(primary))) continue;
            reconciliation.apply(List.of(new Action.SetActiveSlave(b.name(), primary, "extraction of slot " + s.number + " cancelled")));
        }
    }

    /** Powers a slot on (operator's insert command, or the handle closed on a powered-off card). */
    public Outcome powerOn(int n, String source) {
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

    // ---- removal ------------------------------------------------------------------------

    private void cardRemoved(int n) {
        Slot s = slot(n);
        if (s.state == SlotState.EMPTY) return;
        // A card whose power went with no request was not made safe: its leaving is a surprise
        // too (a hot-plug controller that powers a slot off by itself when its card is pulled).
        SlotState before = s.lostPowerIn != null ? s.lostPowerIn : s.state;
        boolean improper = before != SlotState.SAFE_TO_REMOVE;
        record(AuditEvent.of("card.removed").with("slot", n).with("improper", improper).with("state", before.name()));
        Set<String> modules = new LinkedHashSet<>(s.modules);
        s.clearCard();
        if (s.attention) indicators.attention(s, false);
        transition(s, SlotState.EMPTY, improper ? "surprise removal from " + before : null);
        if (improper) unloadDriversLeft(s, modules);
    }

    /** A card went without an extraction: the drivers it used that no other card needs are unloaded. */
    private void unloadDriversLeft(Slot s, Set<String> modules) {
        s.modules.addAll(modules);
        unloadUnusedDrivers(s);
        s.modules.clear();
        dirty = true;
    }

    private void netdevRemoved(String ifname) {
        InterfaceIndex.Place at = index.portOf(ifname);
        if (!at.known()) return;
        Slot s = slots.get(at.slot());
        s.ports.remove(at.port());
        boolean expected = s.state == SlotState.SAFE_TO_REMOVE || s.state == SlotState.EXTRACTING;
        record(AuditEvent.of(expected ? "port.removed" : "port.lost").with("slot", s.number).with("port", at.port())
                .with("ifname", ifname));
        if (s.state == SlotState.ACTIVE) dirty = true;
    }

    private void linkChanged(String ifname, boolean carrier, long at) {
        InterfaceIndex.Place port = index.portOf(ifname);
        if (port.known()) {
            record(AuditEvent.of("port.link").with("slot", port.slot()).with("port", port.port()).with("ifname", ifname)
                    .with("carrier", carrier));
            portChanged(port, ifname, at, "link");
        }
        if (!carrier && inventoryDone) for (AuditEvent e : services.carrierLost(ifname, at)) record(e);
        // A primary whose carrier is back is about to be taken again by the driver: hand over first.
        if (carrier && inventoryDone) dirty = true;
    }

    private void pathChanged(BackplaneEvent.PathChanged e) {
        InterfaceIndex.Place where = index.placeOf(e.ifname());
        Slot owner = where.known() ? slots.get(where.slot()) : null;
        // A verdict on a port whose card has left service (it was on its way when the card went)
        // says nothing about a path had still uses.
        if (owner == null || !(owner.inService() || owner.comingIntoService()) || !paths.take(e)) return;
        Paths.Watch w = applied().probed().get(e.ifname());
        record(AuditEvent.of("path.state").with("ifname", e.ifname()).with("slot", where.slot()).with("port", where.port())
                .with("bond", w == null ? null : w.bond()).with("up", e.up()).with("carrier", network.carrier(e.ifname()))
                .with("target", e.target()).with("rtt_us", e.rttNanos() / 1000)
                .with("held_ms", paths.holdOf(e.ifname()) == 0 ? null : paths.holdOf(e.ifname()) / 1_000_000)
                .with("since", e.since()).with("cause", e.up() ? null : paths.loss(e.ifname())));
        if (!e.up() && inventoryDone) for (AuditEvent a : services.pathLost(e.ifname(), failureBegan(e, w))) record(a);
        dirty = true;
        portChanged(where, e.ifname(), e.at(), "path");
    }

    /**
     * When a path found dead stopped carrying, as availability counts it: in the interval before
     * the first unanswered round (the verdict's {@code since}), so half an interval before it,
     * about halfway back to the last answered round: as likely early as late, the report's outage
     * within about half an interval of the truth either way, where the first unanswered probe
     * would always make it short.
     */
    private static long failureBegan(BackplaneEvent.PathChanged e, Paths.Watch w) {
        return w == null ? e.since() : e.since() - w.spec().intervalMs() * 1_000_000L / 2;
    }

    /**
     * A link or path change of a card's port. More than the slot's flap limit within its window
     * takes the port out of service (out of its bond, its address withdrawn, its VLANs gone) with
     * the slot's attention indicator lit, until it has been quiet for the quiet period or an
     * operator clears it. A change while quarantined starts the quiet period again.
     */
    private void portChanged(InterfaceIndex.Place at, String ifname, long when, String what) {
        Slot s = slots.get(at.slot());
        if (s.quarantined.containsKey(at.port())) {
            s.quarantined.put(at.port(), when);
            return;
        }
        HotSwapPolicy p = config.policy(s.number);
        if (p.flapLimit() == 0 || !s.inService()) return;
        java.util.ArrayDeque<Long> recent = s.changes.computeIfAbsent(at.port(), k -> new java.util.ArrayDeque<>());
        recent.addLast(when);
        long window = p.flapWindowMs() * 1_000_000L;
        while (when - recent.peekFirst() > window) recent.pollFirst();
        if (recent.size() <= p.flapLimit()) return;
        s.quarantined.put(at.port(), when);
        record(AuditEvent.of("port.quarantined").with("slot", s.number).with("port", at.port()).with("ifname", ifname)
                .with("changes", recent.size()).with("window_ms", p.flapWindowMs()).with("last", what)
                .with("quiet_ms", p.flapQuietMs()));
        recent.clear();
        indicators.attention(s, true);
        dirty = true;
    }

    /** When a quarantined port of {@code s} whose last change was at {@code last} has been quiet long enough. */
    private long quietEnd(Slot s, long last) {
        return last + config.policy(s.number).flapQuietMs() * 1_000_000L;
    }

    /** A quarantined port back in service: quiet for long enough, or cleared by an operator. */
    private void release(Slot s, int port, String reason) {
        s.quarantined.remove(port);
        record(AuditEvent.of("port.released").with("slot", s.number).with("port", port)
                .with("ifname", s.ports.get(port)).with("reason", reason));
        if (s.quarantined.isEmpty() && s.ailing == null && s.state == SlotState.ACTIVE) indicators.attention(s, false);
        dirty = true;
    }

    /**
     * An operator's {@code clear}: every quarantined port of the slot back in service now, and an
     * ailing card trusted with traffic again (its error count starts over).
     */
    public Outcome clear(int n, String source) {
        Slot s = slot(n);
        if (s.quarantined.isEmpty() && s.ailing == null) {
            return Outcome.notApplicable("no port of slot " + n + " is quarantined and its card is not ailing");
        }
        List<String> done = new ArrayList<>();
        if (s.ailing != null) {
            record(AuditEvent.of("card.trusted").with("slot", n).with("source", source).with("was", s.ailing));
            s.ailing = null;
            s.aer.clear();
            done.add("card trusted with traffic again");
            dirty = true;
        }
        int count = s.quarantined.size();
        for (int port : new ArrayList<>(s.quarantined.keySet())) release(s, port, "cleared by " + source);
        s.changes.clear();
        if (count > 0) done.add(count + (count == 1 ? " port" : " ports") + " back in service");
        if (s.quarantined.isEmpty() && s.state == SlotState.ACTIVE) indicators.attention(s, false);
        return Outcome.accepted(String.join("; ", done));
    }

    // ---- failing cards ------------------------------------------------------------------

    /**
     * PCIe AER errors of a card in service: recorded, and when they make it ailing ({@link AerRate})
     * its traffic goes to other cards (the planner keeps its ports from being any bond's active
     * slave, and out of the bonds that spread traffic, as long as another port works; the move of
     * an active slave is handed over as an extraction's is), its attention is lit and the card stays
     * powered: the operator decides (extract it, or {@code hadctl clear N}).
     */
    private void aerErrors(BackplaneEvent.AerErrors e) {
        Slot s = slot(e.slot());
        record(AuditEvent.of("card.aer").with("slot", s.number).with("function", e.function().address())
                .with("correctable", e.correctable()).with("nonfatal", e.nonfatal()).with("fatal", e.fatal()));
        if (!s.inService() || s.ailing != null) return;
        String cause = s.aer.add(e, config.policy(s.number), clock.nanos());
        if (cause == null) return;
        s.ailing = cause;
        record(AuditEvent.of("card.ailing").with("slot", s.number).with("cause", cause));
        indicators.attention(s, true);
        dirty = true;
    }

    private boolean pathDead(String ifname) {
        return paths.state(ifname) == PathState.DOWN;
    }

    private void resync(Set<Integer> occupied) {
        for (Slot s : slots.values()) {
            if (s.state != SlotState.EMPTY && !occupied.contains(s.number)) cardRemoved(s.number);
        }
        boolean first = !inventoryDone;
        inventoryDone = true;
        record(AuditEvent.of("backplane.resync").with("occupied", occupied.size()).with("first", first));
        if (first) indicators.showAll(slots.values());
        dirty = true;
    }

    // ---- configuration ------------------------------------------------------------------

    /**
     * Switches to a new, already validated configuration and applies only the difference:
     * bonds, ports and addresses whose configuration did not change are not touched.
     */
    public void reload(ChassisConfig next) {
        this.config = next;
        for (int n : next.slots().keySet()) slot(n);
        record(AuditEvent.of("config.applied").with("had_conf", String.valueOf(next.hadConf()))
                .with("drivers_conf", String.valueOf(next.driversConf())));
        dirty = true;
    }

    // ---- reconciliation -----------------------------------------------------------------

    /**
     * Plans and applies until nothing is left ({@link Reconciliation#run}), once the first inventory
     * is in: until then the network is left exactly as found.
     */
    private NetworkState reconcile() {
        return inventoryDone ? reconciliation.run() : null;
    }

    private void observe() {
        if (inventoryDone) reconciliation.observe();
    }

    /** What the slot life cycle lends the reconciliation. */
    private final class LifeCycle implements Reconciliation.Core {
        @Override
        public ChassisConfig config() {
            return config;
        }

        @Override
        public Map<Integer, Slot> slots() {
            return slots;
        }

        @Override
        public void record(AuditEvent e) {
            Chassis.this.record(e);
        }

        @Override
        public void commit() {
            Chassis.this.commit();
        }

        @Override
        public void fail(Slot s, String reason) {
            transition(s, SlotState.FAILED, reason);
        }

        @Override
        public void changed() {
            dirty = true;
        }
    }

    private DesiredState applied() {
        return reconciliation.applied();
    }

    // ---- helpers ------------------------------------------------------------------------

    private Slot slot(int n) {
        return slots.computeIfAbsent(n, Slot::new);
    }

    private void transition(Slot s, SlotState to, String reason) {
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

    private void unloadUnusedDrivers(Slot leaving) {
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



    private Collection<NetworkState.Bond> bondsOf(NetworkState actual) {
        List<NetworkState.Bond> out = new ArrayList<>();
        for (String name : config.bonds().keySet()) {
            NetworkState.Bond b = actual.bond(name);
            if (b != null) out.add(b);
        }
        return out;
    }


    private static boolean sameCard(List<PciFunction> a, List<PciFunction> b) {
        if (a.size() != b.size()) return false;
        Set<String> ka = new HashSet<>(), kb = new HashSet<>();
        for (PciFunction f : a) ka.add(f.address() + "/" + f.id());
        for (PciFunction f : b) kb.add(f.address() + "/" + f.id());
        return ka.equals(kb);
    }

    private static String describe(List<PciFunction> functions) {
        List<String> parts = new ArrayList<>();
        for (PciFunction f : functions) parts.add(f.address() + " " + f.id());
        return String.join(", ", parts);
    }

    /**
     * Makes what had recorded so far durable before it changes anything outside itself (the
     * network, modules, power, the LEDs an operator reads): the log says why before it says what.
     * Events that change nothing share the commit that follows them, so a storm of insertions costs
     * a few fsyncs, not one per event. When the disk refuses the records had acts all the same:
     * they are held, in order, and written before anything recorded after them (see {@link Commit}),
     * because a card an operator pulls, or a port that dies, does not wait for a disk.
     */
    private void beforeActing() {
        commit();
    }

    /**
     * Commits what was recorded (the event loop commits through here too). After records were
     * lost, the next {@link #settle} records every service and slot again: a reader does not know
     * them from the records before the loss.
     */
    public Commit commit() {
        Commit c = audit.commit();
        if (c instanceof Commit.Resumed) restate = true;
        return c;
    }

    private void restate() {
        restate = false;
        services.forget();
        for (Slot s : slots.values()) {
            record(stateRecord(s.number, s.state, s.state, "restated: audit records were lost"));
        }
    }

    private static AuditEvent.Builder stateRecord(int slot, SlotState from, SlotState to, String reason) {
        return AuditEvent.of("slot.state").with("slot", slot).with("from", from.name()).with("to", to.name())
                .with("hpi", to.hpi().name()).with("reason", reason);
    }

    private void record(AuditEvent.Builder b) {
        record(b.build());
    }

    private void record(AuditEvent e) {
        audit.record(e);
    }

    // ---- views --------------------------------------------------------------------------

    /**
     * The slots whose extraction has begun moving traffic (handed over, in the quiesce window)
     * and is not finished: a stopping had finishes them first. An extraction still waiting out
     * its extraction_delay has moved nothing and is not among them.
     */
    public List<Integer> extractionsUnderway() {
        List<Integer> out = new ArrayList<>();
        for (Slot s : slots.values()) if (s.state == SlotState.EXTRACTING && s.extractAt == 0) out.add(s.number);
        return out;
    }

    public List<SlotView> slots() {
        List<SlotView> out = new ArrayList<>();
        for (Slot s : slots.values()) out.add(view(s));
        return out;
    }

    public SlotView slotView(int n) {
        Slot s = slots.get(n);
        return s == null ? new SlotView(n, SlotState.EMPTY, null, List.of(), Map.of(), List.of(), false, false, List.of(), null) : view(s);
    }

    private static SlotView view(Slot s) {
        return new SlotView(s.number, s.state, s.reason, s.functions, s.ports, List.copyOf(s.modules), s.led, s.attention,
                List.copyOf(s.quarantined.keySet()), s.ailing);
    }

    public ChassisConfig config() {
        return config;
    }

    /**
     * Runs {@code r} (on the core thread) once the backplane's first inventory has been reconciled
     * with the network; at once if that has already happened.
     */
    public void onReady(Runnable r) {
        onReady = r;
        readyTold = false;
        if (inventoryDone && !dirty) {
            readyTold = true;
            r.run();
        }
    }

    /** Each configured bond as the kernel has it now, for status output. Reads, changes nothing. */
    public List<BondView> bonds() {
        return BondViews.of(config, network.read(), applied(), paths, services, index);
    }

}
