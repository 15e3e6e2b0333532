package had.network.linux;

import had.network.IfAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What iproute2 would do for had, said to the kernel directly: links up and down, MTUs,
 * addresses and VLANs. One exchange per change, no process started, so a card's ports are
 * configured within a few system calls of its netdev event. A refusal is a
 * {@link had.network.NetworkException} with the interface, the change and the kernel's words.
 */
interface Rtnetlink {
    /** Every interface, with its bond and bond-slave state, in one dump. */
    List<KernelLink> links();

    /** One interface, as {@link #links} has it; empty when there is no such interface. */
    default Optional<KernelLink> link(String ifname) {
        return links().stream().filter(k -> k.name().equals(ifname)).findFirst();
    }

    /** The IPv4 addresses of every interface, by interface index. */
    Map<Integer, List<IfAddress>> addresses();

    void setUp(String ifname, boolean up);

    void setMtu(String ifname, int mtu);

    void addAddress(String ifname, IfAddress address);

    void removeAddress(String ifname, IfAddress address);

    void createVlan(String parent, int vlanId, String name);

    void deleteLink(String ifname);
}
