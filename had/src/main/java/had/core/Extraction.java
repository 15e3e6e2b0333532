package had.core;

import had.audit.AuditEvent;
import had.backplane.BackplaneException;
import had.network.NetworkException;
import had.network.NetworkState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A planned extraction, from the request (the handle, or an operator) through the guard, the
 * extraction delay, the handover of active slaves and the quiesce window, to the power-off and
 * the blue LED; and its cancellation, which puts the card back in service.
 */
final class Extraction {
    private final ChassisCore core;

    Extraction(ChassisCore core) {
        this.core = core;
    }

    /**
     * An extraction request, from the handle or from an operator's command. A request that would
     * take away the last working slave of a bond is refused unless {@code force}: the blue LED
     * stays off and the attention indicator says why the card must stay.
     *
     * @return the outcome, also recorded
     */
    Outcome request(int n, boolean force, String source) {
        Slot s = core.slot(n);
        AuditEvent.Builder req = AuditEvent.of("extraction.requested").with("slot", n).with("source", source)
                .with("forced", force);
        Outcome nothing = switch (s.state) {
            case EMPTY -> Outcome.notApplicable("the slot is empty");
            case EXTRACTING -> Outcome.alreadySo("extraction already in progress");
            case SAFE_TO_REMOVE -> Outcome.alreadySo("already safe to remove");
            default -> null;
        };
        if (nothing != null) {
            core.record(req.with("outcome", nothing.text()));
            return nothing;
        }
        NetworkState actual = core.network.read();
        ExtractionGuard.Refusal refusal = force || !s.takenIn() ? null : guard(s, actual);
        if (refusal != null) {
            Outcome refused = Outcome.refused(refusal.reason()
                    + " (close the handle, or force the extraction to accept the outage)");
            core.record(req.with("outcome", refused.text()).with("bond", refusal.bond()));
            core.indicators.attention(s, true);
            return refused;
        }
        Outcome accepted = Outcome.accepted("accepted");
        core.record(req.with("outcome", accepted.text()));
        s.quiesced = false;
        long delay = core.config.policy(n).extractionDelayNanos();
        if (delay > 0 && s.state == SlotState.ACTIVE) {
            // HPI's auto-extract timeout: the card stays in service, and a closed handle keeps it with nothing moved.
            core.transition(s, SlotState.EXTRACTING, "had acts in " + delay / 1_000_000 + " ms unless the handle closes"
                    + " or hadctl cancel " + n + (force ? " (forced by " + source + ")" : ""));
            s.extractAt = core.clock.nanos() + delay;
            s.extractionForced = force;
            s.deadline = s.extractAt;
            return accepted;
        }
        core.transition(s, SlotState.EXTRACTING, force ? "forced by " + source : null);
        begin(s, actual);
        return accepted;
    }

    private ExtractionGuard.Refusal guard(Slot s, NetworkState actual) {
        return ExtractionGuard.check(actual, core.bondsOf(actual), core.index.interfacesOf(s), core::pathDead);
    }

    /**
     * The stage of an extraction that a slot's deadline ends: the return of its traffic after a
     * cancellation, the end of its extraction delay, or of its quiesce window; null when none.
     */
    Stage due(Slot s) {
        return switch (s.state) {
            case ACTIVE -> s.trafficToReturn ? new Stage("the return of the bonds' traffic to the card", () -> returnTraffic(s)) : null;
            case EXTRACTING -> s.extractAt != 0 ? new Stage("the end of the extraction delay", () -> delayOver(s))
                    : new Stage("the end of the quiesce window", () -> finish(s));
            default -> null;
        };
    }

    /**
     * Back in service; the return of the traffic a cancelled extraction moved away, when it is
     * due (this one's, or an earlier one's), is taken now.
     */
    private void backInService(Slot s) {
        core.transition(s, SlotState.ACTIVE, null);
        s.extractAt = 0;
        s.deadline = 0;
        if (s.trafficToReturn) core.take(s, due(s));
    }

    /**
     * The extraction delay is over: the guard is asked again (the chassis may have changed since
     * the handle opened), then had acts as on an undelayed request.
     */
    private void delayOver(Slot s) {
        NetworkState actual = core.network.read();
        s.extractAt = 0;
        ExtractionGuard.Refusal refusal = s.extractionForced ? null : guard(s, actual);
        if (refusal != null) {
            core.record(AuditEvent.of("extraction.refused").with("slot", s.number).with("bond", refusal.bond())
                    .with("reason", refusal.reason()));
            backInService(s);
            core.indicators.attention(s, true);
            return;
        }
        s.reason = s.extractionForced ? "forced" : null;
        begin(s, actual);
    }

    /** Moves active slaves off the card (handing over), then waits out the quiesce window. */
    private void begin(Slot s, NetworkState actual) {
        int n = s.number;
        if (s.trafficToReturn) {
            // An earlier cancellation's move back was still due: the traffic leaves the card now.
            s.trafficToReturn = false;
            s.handoverBonds.clear();
            s.retryNanos = 0;
        }
        long windowFrom = core.clock.nanos();
        for (Map.Entry<String, List<Action>> h : handovers(s, actual).entrySet()) {
            if (h.getValue().isEmpty()) {
                core.record(AuditEvent.of("bond.no-successor").with("bond", h.getKey()).with("slot", n));
                continue;
            }
            s.handoverBonds.add(h.getKey());
            // The window runs from the move: the records written and what follows take place in it.
            windowFrom = core.reconciliation.apply(h.getValue());
        }
        if (core.settings.quiesceMs() == 0) core.take(s, due(s));
        else s.deadline = core.reconciliation.windowEnd(windowFrom);
    }

    /**
     * Bond -> the changes that hand its traffic over off the card: each bond whose active slave is
     * on it moves to its successor, its backup slaves delivering meanwhile (frames already on their
     * way to the old port, until the switch learns the new one from the driver's gratuitous ARP,
     * are delivered, not dropped, until the card's ports are released); no changes: no successor.
     */
    private Map<String, List<Action>> handovers(Slot s, NetworkState actual) {
        Set<String> leaving = core.index.interfacesOf(s);
        Map<String, List<Action>> out = new LinkedHashMap<>();
        for (NetworkState.Bond b : core.bondsOf(actual)) {
            if (!b.options().mode().hasActiveSlave() || !leaving.contains(b.activeSlave())) continue;
            String next = ActiveSlaveChoice.successor(actual, b, leaving, core::pathDead);
            String why = "extraction of slot " + s.number;
            out.put(b.name(), next == null ? List.of()
                    : List.of(new Action.SetAllSlavesActive(b.name(), true, why), new Action.SetActiveSlave(b.name(), next, why)));
        }
        return out;
    }

    /**
     * The planned extraction of each card in service that carries a bond's active slave,
     * rehearsed ({@link Rehearsal}): its guard, its handover and, the card gone, the plan of its
     * releases, planned and described; nothing applied, recorded or remembered. Returns each
     * such slot's changes.
     */
    Map<Integer, List<Action>> rehearse(NetworkState actual) {
        Map<Integer, List<Action>> out = new LinkedHashMap<>();
        for (Slot s : core.slots.values()) {
            if (s.state != SlotState.ACTIVE) continue;
            Map<String, List<Action>> handovers = handovers(s, actual);
            if (handovers.isEmpty()) continue;
            guard(s, actual);
            List<Action> plan = new ArrayList<>();
            for (List<Action> h : handovers.values()) plan.addAll(h);
            Reconciliation.describe(plan, actual);
            List<Slot> staying = new ArrayList<>(core.slots.values());
            staying.remove(s);
            plan.addAll(core.reconciliation.rehearse(staying, core.paths, actual));
            out.put(s.number, plan);
        }
        return out;
    }

    private void finish(Slot s) {
        s.handoverBonds.clear();
        s.quiesced = true;
        // The slot is no longer in service: its ports leave their bonds, addresses go. A bond's
        // own options (its primary cleared) and the end of its handover wait until the card is
        // off and its LED lit (the settle that follows): an operator waits on that LED, and
        // neither changes what the card carries.
        // Every release the kernel accepted is done: no read to confirm them before the power-off.
        Reconciliation.Settled settled = core.reconcileTrusting(Extraction::beforePowerOff);
        // A port still in a bond may be carrying its traffic again (a bond whose primary is
        // cleared takes its first working slave): powering the card off would be an outage, so
        // the stage is taken again later, the card in service meanwhile.
        NetworkState after = settled == null ? core.network.read() : settled.network();
        List<String> stuck = new ArrayList<>();
        if (after != null) for (NetworkState.Link l : after.links().values()) {
            String port = l.vlanParent() != null ? l.vlanParent() : l.name(); // a VLAN of the card's counts too
            if (s.ports.containsValue(port) && l.master() != null && core.config.bonds().containsKey(l.master())) {
                stuck.add(l.name() + " in " + l.master());
            }
        }
        if (!stuck.isEmpty()) throw new NetworkException("not released: " + String.join(", ", stuck));
        core.unloadUnusedDrivers(s);
        try {
            core.beforeActing();
            core.backplane.powerOff(s.number);
            core.record(AuditEvent.of("slot.power").with("slot", s.number).with("on", false));
        } catch (BackplaneException e) {
            core.transition(s, SlotState.FAILED, "power-off failed: " + e.getMessage());
            return;
        }
        core.indicators.attention(s, false);
        core.transition(s, SlotState.SAFE_TO_REMOVE, null);
    }

    /** What a card's power-off waits for: all but a bond's options and the end of its handover window. */
    private static boolean beforePowerOff(Action a) {
        return !(a instanceof Action.SetBondOptions) && !(a instanceof Action.SetAllSlavesActive off && !off.on());
    }

    /** The handle closed again, or an operator cancelled: put the card back in service. */
    Outcome cancel(int n, String source) {
        Slot s = core.slot(n);
        AuditEvent.Builder ev = AuditEvent.of("extraction.cancelled").with("slot", n).with("source", source);
        Outcome outcome;
        switch (s.state) {
            case EXTRACTING -> {
                if (s.extractAt != 0) {
                    core.record(ev.with("outcome", (outcome = Outcome.accepted("kept: had had not acted yet")).text()));
                    backInService(s);
                    return outcome;
                }
                core.record(ev.with("outcome", (outcome = Outcome.accepted("restored")).text()));
                // In service again whatever the network says now; giving the card its traffic back
                // (handoverBonds: the bonds to give it back in) is a stage, taken again until done.
                s.trafficToReturn = true;
                s.retryNanos = 0;
                core.dirty = true; // should this reconciliation fail, the next settle makes it
                backInService(s);
            }
            case SAFE_TO_REMOVE -> {
                // PICMG 2.1: a closed handle on a powered-off board asks for it to be powered again.
                core.record(ev.with("outcome", (outcome = Outcome.accepted("powering the slot on again")).text()));
                Outcome on = core.powerOn(n, source);
                if (on.kind() == Outcome.Kind.FAILED) outcome = on;
            }
            default -> {
                if (s.attention) {
                    core.record(ev.with("outcome", (outcome = Outcome.accepted("refused request withdrawn")).text()));
                    core.indicators.attention(s, false);
                } else {
                    core.record(ev.with("outcome", (outcome = Outcome.notApplicable("no extraction in progress")).text()));
                }
            }
        }
        return outcome;
    }

    /**
     * A cancelled extraction's ports back in their bonds, and its primaries active again, the move
     * back handed over as the move away was (from now: a retry's too).
     */
    private void returnTraffic(Slot s) {
        long end = core.reconciliation.windowEnd();
        for (String b : s.handoverBonds) core.reconciliation.stretchHandover(b, end);
        core.reconcile();
        if (s.state != SlotState.ACTIVE) { // the reconciliation failed the card: nothing to give back
            s.trafficToReturn = false;
            return;
        }
        restorePrimaries(s);
        s.handoverBonds.clear();
        core.dirty = true; // the handover of these bonds is the window's alone now
        s.trafficToReturn = false;
        s.retryNanos = 0;
        s.reason = null; // what a failed try said is over
    }

    /**
     * The extraction moved active slaves away from this card; nothing in the driver moves them
     * back (the primary never failed), so a cancelled extraction hands them back explicitly.
     */
    private void restorePrimaries(Slot s) {
        NetworkState actual = core.network.read();
        for (NetworkState.Bond b : core.bondsOf(actual)) {
            DesiredState.Bond d = core.applied().bonds().get(b.name());
            String primary = d == null ? null : d.options().primary();
            if (primary == null || primary.equals(b.activeSlave()) || !core.index.interfacesOf(s).contains(primary)) continue;
            if (!b.options().mode().hasActiveSlave() || !Boolean.TRUE.equals(b.slaveUp().get(primary))) continue;
            core.reconciliation.apply(List.of(new Action.SetActiveSlave(b.name(), primary, "extraction of slot " + s.number + " cancelled")));
        }
    }
}
