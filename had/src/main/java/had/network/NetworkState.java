package had.network;

import java.util.List;
import java.util.Map;

/** A snapshot of the interfaces and bonds the kernel has, as the core needs to see them. */
public record NetworkState(Map<String, Link> links, Map<String, Bond> bonds) {
    public NetworkState {
        links = Map.copyOf(links);
        bonds = Map.copyOf(bonds);
    }

    public enum Kind { ETHERNET, BOND, VLAN, OTHER }

    /**
     * One interface. {@code master} is the bond it is enslaved to, or null. For a VLAN,
     * {@code vlanParent} and {@code vlanId} say what it sits on (null and -1 otherwise).
     */
    public record Link(String name, Kind kind, boolean up, boolean carrier, int mtu, String master,
                       List<IfAddress> addresses, String vlanParent, int vlanId) {
        public Link {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * One bond. {@code slaves} in enslavement order; {@code activeSlave} null when none (or when
     * the mode has no active slave); {@code slaveUp} is the bond's own view of each slave (MII or
     * ARP status), which is what "working slave" means. {@code allSlavesActive}: backup slaves
     * deliver what they receive instead of dropping it (the driver's all_slaves_active), which had
     * turns on only while it hands the active slave over to another card.
     */
    public record Bond(String name, BondOptions options, List<String> slaves, String activeSlave,
                       Map<String, Boolean> slaveUp, boolean allSlavesActive) {
        public Bond {
            slaves = List.copyOf(slaves);
            slaveUp = Map.copyOf(slaveUp);
        }

        public Bond(String name, BondOptions options, List<String> slaves, String activeSlave,
                    Map<String, Boolean> slaveUp) {
            this(name, options, slaves, activeSlave, slaveUp, false);
        }

        /** The slaves the driver counts up: its own view, not what had calls a working port (the core's WorkingPort). */
        public int slavesMiiUp() {
            int n = 0;
            for (String s : slaves) if (Boolean.TRUE.equals(slaveUp.get(s))) n++;
            return n;
        }
    }

    public Link link(String name) {
        return links.get(name);
    }

    public Bond bond(String name) {
        return bonds.get(name);
    }
}
