package had.core;

import had.audit.AuditEvent;
import had.backplane.PciFunction;
import had.backplane.PciId;
import had.config.SlotConfig;
import had.drivers.DriverException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A card's coming into service (its drivers, its ports, an operator's admission) and its going
 * without an extraction (pulled, or its power gone); its ports appearing and disappearing.
 */
final class Insertion {
    private final ChassisCore core;

    Insertion(ChassisCore core) {
        this.core = core;
    }

    void cardInserted(int n, List<PciFunction> functions, long at) {
        Slot s = core.slot(n);
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
        core.record(AuditEvent.of("card.inserted").with("slot", n).with("functions", describe(functions)));
        // A card found when had starts was there before it: a restart never takes one out of service.
        // (Set before the transition: a transition that stops half way leaves nothing to admit by itself.)
        s.awaitingAdmission = !wrongCard(s) && core.inventoryDone && core.config.policy(n).manualInsertion();
        core.transition(s, SlotState.INSERTING, s.awaitingAdmission ? "waits for an operator to admit it: hadctl insert " + n
                + " (insertion = manual in " + core.config.hadConf() + ")" : null);
        if (!s.awaitingAdmission) core.take(s, due(s));
    }

    /** Not the card {@code [slot N]} names. */
    private boolean wrongCard(Slot s) {
        SlotConfig expected = core.config.slots().get(s.number);
        return expected != null && !expected.expects(s.functions);
    }

    /**
     * A card in a powered-off slot. Found so by an inventory (had restarted after powering it off,
     * or someone else powered it off): safe to remove, and it stays off until an operator powers
     * it on, as the LED it had said. Its power gone while had used it: the ports went with it
     * (their loss is recorded), the card is safe to pull now, and the attention indicator asks
     * the operator to look.
     */
    void cardOff(int n, List<PciFunction> functions) {
        Slot s = core.slot(n);
        switch (s.state) {
            case SAFE_TO_REMOVE -> { } // had powered it off
            case EMPTY -> {
                s.clearCard();
                s.functions = List.copyOf(functions);
                core.record(AuditEvent.of("card.inserted").with("slot", n).with("functions", describe(functions))
                        .with("powered", false));
                core.transition(s, SlotState.SAFE_TO_REMOVE, "found powered off: hadctl insert " + n + " powers it on");
            }
            default -> {
                SlotState before = s.state;
                List<PciFunction> known = s.functions;
                Set<String> modules = new LinkedHashSet<>(s.modules);
                s.clearCard();
                s.functions = known;
                s.lostPowerIn = before;
                core.record(AuditEvent.of("slot.power-lost").with("slot", n).with("state", before.name()));
                core.transition(s, SlotState.SAFE_TO_REMOVE, "power lost while " + before + ", with no request");
                core.indicators.attention(s, true);
                unloadDriversLeft(s, modules);
            }
        }
    }

    /**
     * An operator's {@code insert}: admits a card that waits for it (insertion = manual), else
     * powers the slot on (a card left in a powered-off slot comes into service).
     */
    Outcome insert(int n, String source) {
        Slot s = core.slot(n);
        if (s.state != SlotState.INSERTING || !s.awaitingAdmission) return core.powerOn(n, source);
        s.awaitingAdmission = false;
        s.reason = null;
        core.record(AuditEvent.of("card.admitted").with("slot", n).with("source", source));
        core.take(s, due(s));
        core.dirty = true; // ports the loaded driver bound while the card waited take their configuration now
        return Outcome.accepted("card admitted");
    }

    /**
     * Brings an inserted card into service: its drivers, then its ports (see {@link #netdevAdded});
     * a card other than the one its slot names is refused first.
     */
    private void admit(Slot s) {
        int n = s.number;
        if (wrongCard(s)) {
            refuseWrongCard(s, core.config.slots().get(n).card(), s.functions);
            return;
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (PciFunction f : s.functions) {
            Optional<String> bound = core.drivers.boundDriver(f.address());
            if (bound.isPresent()) {
                s.modules.add(bound.get());
                continue;
            }
            Optional<String> module = core.config.drivers().moduleFor(f.id());
            if (module.isPresent()) s.modules.add(module.get());
            else if (f.isNetwork()) unknown.add(f.id().toString());
        }
        if (s.modules.isEmpty()) {
            core.record(AuditEvent.of("card.unknown").with("slot", n).with("ids", String.join(", ", unknown)));
            core.transition(s, SlotState.IGNORED, "unknown card " + String.join(", ", unknown)
                    + ": no driver bound and none in " + core.config.driversConf());
            return;
        }
        for (String m : s.modules) {
            if (core.drivers.isLoaded(m)) continue;
            try {
                core.beforeActing();
                core.drivers.load(m);
                core.record(AuditEvent.of("driver.load").with("slot", n).with("module", m));
            } catch (DriverException e) {
                core.record(AuditEvent.of("driver.error").with("slot", n).with("module", m).with("error", e.getMessage()));
                core.transition(s, SlotState.FAILED, "driver " + m + " failed to load: " + e.getMessage());
                return;
            }
        }
        s.portsAwaited = true;
        s.deadline = core.clock.nanos() + core.settings.portTimeoutMs() * 1_000_000L;
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
        core.record(AuditEvent.of("card.unexpected").with("slot", s.number).with("expected", expected.toString())
                .with("found", ids));
        core.transition(s, SlotState.IGNORED, "wrong card: slot " + s.number + " expects " + expected + " ("
                + core.config.hadConf() + "), found " + ids);
        core.indicators.attention(s, true);
    }

    void netdevAdded(int n, PciFunction f, String ifname) {
        Slot s = core.slots.get(n);
        if (s == null || s.state == SlotState.EMPTY) {
            core.record(AuditEvent.of("port.unexpected").with("slot", n).with("ifname", ifname)
                    .with("reason", "interface appeared in a slot with no card"));
            return;
        }
        int sub = s.subdeviceOf(f);
        if (sub < 0) {
            core.record(AuditEvent.of("port.unexpected").with("slot", n).with("ifname", ifname)
                    .with("reason", "function " + f.address() + " is not one of the card's network functions"));
            return;
        }
        if (ifname.equals(s.ports.get(sub))) return;
        s.ports.put(sub, ifname);
        core.record(AuditEvent.of("port.added").with("slot", n).with("port", sub).with("ifname", ifname)
                .with("function", f.address()));
        // A driver already loaded binds a waiting card's ports by itself: they wait with it, and
        // with a card whose admission is still to be made.
        if (s.takenIn()) core.dirty = true;
        if (s.comingIntoService() && s.portsAwaited) activateIfReady(s);
    }

    private void activateIfReady(Slot s) {
        if (!s.allPortsPresent()) return;
        s.deadline = 0;
        s.retryNanos = 0;
        core.transition(s, SlotState.ACTIVE, null);
        s.inServicePending = true;
        core.dirty = true;
    }

    /**
     * The stage of an insertion that a slot's deadline ends: the card's admission (its drivers),
     * then the end of the wait for its ports; null when none (not inserting, or awaiting an
     * operator).
     */
    Stage due(Slot s) {
        if (!s.comingIntoService()) return null;
        if (!s.portsAwaited) return new Stage("the admission of the card (its drivers)", () -> admit(s));
        return new Stage("the end of the wait for the card's ports", () -> portsTimedOut(s));
    }

    private void portsTimedOut(Slot s) {
        List<String> missing = new ArrayList<>();
        List<PciFunction> net = s.networkFunctions();
        for (int i = 0; i < net.size(); i++) if (!s.ports.containsKey(i)) missing.add(net.get(i).address());
        core.transition(s, SlotState.FAILED, "no network interface appeared for " + String.join(", ", missing)
                + " within " + core.settings.portTimeoutMs() + " ms of loading " + String.join(", ", s.modules));
        core.dirty = true; // the ports that did appear were configured: they leave their bonds now
    }

    void cardRemoved(int n) {
        Slot s = core.slot(n);
        if (s.state == SlotState.EMPTY) return;
        // A card whose power went with no request was not made safe: its leaving is a surprise
        // too (a hot-plug controller that powers a slot off by itself when its card is pulled).
        SlotState before = s.lostPowerIn != null ? s.lostPowerIn : s.state;
        boolean improper = before != SlotState.SAFE_TO_REMOVE;
        core.record(AuditEvent.of("card.removed").with("slot", n).with("improper", improper).with("state", before.name()));
        Set<String> modules = new LinkedHashSet<>(s.modules);
        s.clearCard();
        if (s.attention) core.indicators.attention(s, false);
        core.transition(s, SlotState.EMPTY, improper ? "surprise removal from " + before : null);
        if (improper) unloadDriversLeft(s, modules);
    }

    /** A card went without an extraction: the drivers it used that no other card needs are unloaded. */
    private void unloadDriversLeft(Slot s, Set<String> modules) {
        s.modules.addAll(modules);
        core.unloadUnusedDrivers(s);
        s.modules.clear();
        core.dirty = true;
    }

    void netdevRemoved(String ifname) {
        InterfaceIndex.Place at = core.index.portOf(ifname);
        if (!at.known()) return;
        Slot s = core.slots.get(at.slot());
        s.ports.remove(at.port());
        boolean expected = s.state == SlotState.SAFE_TO_REMOVE || s.state == SlotState.EXTRACTING;
        core.record(AuditEvent.of(expected ? "port.removed" : "port.lost").with("slot", s.number).with("port", at.port())
                .with("ifname", ifname));
        if (s.state == SlotState.ACTIVE) core.dirty = true;
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
}
