package had.core;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which slot owns which interface: a card's ports (by subdevice, in PCI function order) and the
 * VLAN interfaces had made on them ("eth0.253" belongs where eth0 does). The one place that
 * answers it, for events, records, views, the extraction and a failed action's culprit.
 */
final class InterfaceIndex {
    /** Where an interface is: slot and port; {@link #NOWHERE} for one no card of the chassis has. */
    record Place(int slot, int port) {
        static final Place NOWHERE = new Place(0, -1);

        boolean known() {
            return slot != 0;
        }
    }

    private final Collection<Slot> slots;
    private final Supplier<DesiredState> applied;

    /** {@code applied}: what had last applied, whose links remember the slot of the VLANs it made. */
    InterfaceIndex(Collection<Slot> slots, Supplier<DesiredState> applied) {
        this.slots = slots;
        this.applied = applied;
    }

    /** A card's port itself (not a VLAN on it): for the events about a card's own interfaces. */
    Place portOf(String ifname) {
        for (Slot s : slots) {
            Integer sub = s.subdeviceOf(ifname);
            if (sub != null) return new Place(s.number, sub);
        }
        return Place.NOWHERE;
    }

    /** A card's port, or a VLAN interface on it. */
    Place placeOf(String ifname) {
        for (Slot s : slots) {
            for (Map.Entry<Integer, String> p : s.ports.entrySet()) {
                if (ifname.equals(p.getValue()) || ifname.startsWith(p.getValue() + ".")) return new Place(s.number, p.getKey());
            }
        }
        return Place.NOWHERE;
    }

    /** The slot whose card an interface belongs to, also for a VLAN whose port has already gone; or null. */
    Slot ownerOf(String ifname) {
        Place p = placeOf(ifname);
        DesiredState.Link l = applied.get().links().get(ifname);
        int slot = p.known() ? p.slot() : l != null ? l.slot() : 0;
        for (Slot s : slots) if (s.number == slot) return s;
        return null;
    }

    /** A slot's ports and the VLAN interfaces had made on them. */
    Set<String> interfacesOf(Slot s) {
        Set<String> out = new HashSet<>(s.ports.values());
        for (DesiredState.Link l : applied.get().links().values()) if (l.slot() == s.number) out.add(l.name());
        return out;
    }

    /** Every card's ports: the interfaces the reconciler may take for slaves and addresses. */
    Set<String> cardPorts() {
        Set<String> out = new HashSet<>();
        for (Slot s : slots) out.addAll(s.ports.values());
        return out;
    }

    /** "eth0 (slot 2 port 0)", or the name alone for an interface of no card. */
    String describe(String ifname) {
        Place p = placeOf(ifname);
        return p.known() ? ifname + " (slot " + p.slot() + " port " + p.port() + ")" : ifname;
    }
}
