package had.core;

import had.backplane.PciFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One chassis slot and the card in it. Owned by the core's thread; never shared.
 * Ports are numbered as had.conf numbers subdevices: the card's network functions in PCI
 * function order, so an interface's name never decides which config it gets.
 */
final class Slot {
    final int number;
    SlotState state = SlotState.EMPTY;
    String reason;
    List<PciFunction> functions = List.of();
    /** Modules this card needs (loaded by had or found bound). */
    final Set<String> modules = new LinkedHashSet<>();
    /** subdevice → interface name, for the ports that have appeared. */
    final Map<Integer, String> ports = new TreeMap<>();
    /** Monotonic deadline for the pending stage (ports appearing, quiesce), or 0 when none. */
    long deadline;
    /** The wait before the pending stage is tried again after it failed (0: it did not fail last time). */
    long retryNanos;
    /** EXTRACTING and the quiesce is over: the card's ports leave their bonds. */
    boolean quiesced;
    /**
     * Bonds whose active slave an extraction moved off this card, until its ports are released
     * or, the extraction cancelled, until the traffic is back ({@link #trafficToReturn}).
     */
    final Set<String> handoverBonds = new HashSet<>();
    /**
     * ACTIVE again after an extraction cancelled past its handover: the card's bonds are still to
     * be given back their traffic (its ports back in, its primaries active), a stage of its own.
     */
    boolean trafficToReturn;
    boolean attention;
    /** The hot-swap LED as had last set it. */
    boolean led;
    /** ACTIVE, but its coming into service not yet recorded (it is, once the network settled). */
    boolean inServicePending;
    /** Monotonic time the card arrived, for the insertion-to-service figure. */
    long insertedAt;
    /** INSERTING, and its slot's insertion policy is manual: nothing is done until an operator admits the card. */
    boolean awaitingAdmission;
    /** INSERTING and admitted, its drivers loaded: its ports are awaited until the deadline. */
    boolean portsAwaited;
    /**
     * EXTRACTING within the slot's extraction delay: nothing has moved yet, and at this monotonic
     * time had acts (0: acting, or no delay). {@code extractionForced}: the request was forced.
     */
    long extractAt;
    boolean extractionForced;
    /** Each port's recent link and path changes (monotonic ns, oldest first), to find a flapping port. */
    final Map<Integer, java.util.ArrayDeque<Long>> changes = new java.util.HashMap<>();
    /** Ports out of service for flapping, and when each last changed: its quiet period runs from there. */
    final Map<Integer, Long> quarantined = new TreeMap<>();
    /** The card's recent correctable PCIe errors, against its slot's aer_limit. */
    final AerRate aer = new AerRate();
    /** Why the card is ailing (its PCIe errors: traffic kept off it, attention lit), or null. */
    String ailing;
    /** SAFE_TO_REMOVE because its power went with no request: the state it lost it in, else null. */
    SlotState lostPowerIn;

    Slot(int number) {
        this.number = number;
    }

    /**
     * Whether the card's ports keep their configuration: in service, or being extracted and still
     * quiescing. A reconciliation in the middle of the quiesce (any other card's event causes one)
     * must not release them early: the switch may still be sending to them.
     */
    boolean portsConfigured() {
        return state == SlotState.ACTIVE || (state == SlotState.EXTRACTING && !quiesced) || comingIntoService();
    }

    /**
     * An accepted card whose ports are still appearing (its driver binds one function after the
     * other): each port takes its configuration as it appears, as a udev rule would give it, not
     * once its card's slowest function has one. A card waiting for an operator's admission is
     * not accepted yet.
     */
    boolean comingIntoService() {
        return state == SlotState.INSERTING && !awaitingAdmission;
    }

    /** In service or coming into it: its configured ports carry traffic, so had guards and fails it as one. */
    boolean takenIn() {
        return state == SlotState.ACTIVE || comingIntoService();
    }

    /**
     * Whether {@code port} takes its configuration now: always for a card in service; for one
     * coming into service, once every port before it has appeared too, so that its ports join
     * their bonds in port order whatever order the driver bound them in (the order of a bond's
     * slaves is the order the driver fails over in).
     */
    boolean configures(int port) {
        if (!comingIntoService()) return true;
        for (int p = 0; p < port; p++) if (!ports.containsKey(p)) return false;
        return true;
    }

    /**
     * Whether the card serves: ACTIVE, or within its extraction delay (a handle opened, nothing
     * moved yet: closing it keeps the card as it was). Its services count and its paths matter.
     */
    boolean inService() {
        return state == SlotState.ACTIVE || (state == SlotState.EXTRACTING && extractAt != 0);
    }

    /** The card's network functions in function order: index = subdevice. */
    List<PciFunction> networkFunctions() {
        List<PciFunction> out = new ArrayList<>();
        for (PciFunction f : functions) if (f.isNetwork()) out.add(f);
        out.sort((a, b) -> Integer.compare(a.function(), b.function()));
        return out;
    }

    int subdeviceOf(PciFunction f) {
        List<PciFunction> net = networkFunctions();
        for (int i = 0; i < net.size(); i++) if (net.get(i).address().equals(f.address())) return i;
        return -1;
    }

    Integer subdeviceOf(String ifname) {
        for (Map.Entry<Integer, String> e : ports.entrySet()) if (e.getValue().equals(ifname)) return e.getKey();
        return null;
    }

    boolean allPortsPresent() {
        return ports.size() >= networkFunctions().size();
    }

    void clearCard() {
        functions = List.of();
        modules.clear();
        ports.clear();
        deadline = 0;
        retryNanos = 0;
        quiesced = false;
        handoverBonds.clear();
        trafficToReturn = false;
        inServicePending = false;
        awaitingAdmission = false;
        portsAwaited = false;
        extractAt = 0;
        extractionForced = false;
        changes.clear();
        quarantined.clear();
        aer.clear();
        ailing = null;
        lostPowerIn = null;
        reason = null;
    }
}
