package had.network.sim;

import had.network.IfAddress;
import had.network.NetworkState;
import java.util.ArrayList;
import java.util.List;

/** One net device of the model, with the state the kernel keeps for it. Guarded by SimNetwork. */
final class SimLink {
    /** ETH_MIN_MTU; the largest MTU a port takes is given when it is added. */
    static final int MIN_MTU = 68;

    final String name;
    final NetworkState.Kind kind;
    final SimLink lower;          // a VLAN's parent
    final int vlanId;
    final int maxMtu;
    final int speedMbps;
    final SimBond bond;           // set for a bond device
    boolean adminUp;
    boolean physicalLink = true;  // cable and far end: only ports have one of their own
    boolean pathReachable = true; // whether the ARP targets answer through this device
    int mtu;
    SimBond master;
    final List<IfAddress> addresses = new ArrayList<>();

    private SimLink(String name, NetworkState.Kind kind, SimLink lower, int vlanId, int mtu, int maxMtu,
                    int speedMbps, SimBond bond) {
        this.name = name;
        this.kind = kind;
        this.lower = lower;
        this.vlanId = vlanId;
        this.mtu = mtu;
        this.maxMtu = maxMtu;
        this.speedMbps = speedMbps;
        this.bond = bond;
    }

    static SimLink port(String name, int mtu, int maxMtu, int speedMbps) {
        return new SimLink(name, NetworkState.Kind.ETHERNET, null, -1, mtu, maxMtu, speedMbps, null);
    }

    static SimLink vlan(String name, SimLink parent, int vlanId) {
        return new SimLink(name, NetworkState.Kind.VLAN, parent, vlanId, parent.mtu, parent.maxMtu,
                parent.speedMbps, null);
    }

    static SimLink bond(String name, SimBond bond) {
        return new SimLink(name, NetworkState.Kind.BOND, null, -1, 1500, 65535, 0, bond);
    }

    /** netif_running && netif_carrier_ok: a VLAN only has carrier while its parent has. */
    boolean carrier() {
        if (!adminUp) return false;
        return switch (kind) {
            case VLAN -> lower.carrier();
            case BOND -> bond.carrier();
            default -> physicalLink;
        };
    }

    /** Whether traffic sent here reaches the ARP targets and their answers come back. */
    boolean reachable() {
        return pathReachable && (lower == null || lower.reachable());
    }

    NetworkState.Link snapshot() {
        return new NetworkState.Link(name, kind, adminUp, carrier(), mtu, master == null ? null : master.name,
                addresses, lower == null ? null : lower.name, vlanId);
    }
}
