package had.network;

/**
 * The bonding engine's view of the kernel. Every method either does what it says or throws
 * {@link NetworkException}; none of them is a no-op that hides a failure. Adapters: Linux sysfs
 * bonding interface + rtnetlink, and an in-memory model with the bonding driver's semantics.
 */
public interface Network {
    /** What is there now: links, addresses, bonds with their options, slaves and active slave. */
    NetworkState read();

    /**
     * Whether {@code ifname} is up with carrier now (false when it is down or not there): one
     * interface's word, far cheaper than {@link #read()}, for a record that must not hold up what
     * follows it (a path verdict, which the core acts on at once).
     */
    boolean carrier(String ifname);

    /** Creates a bond with these options (the adapter sets them in the order the driver requires). */
    void createBond(String name, BondOptions options);

    /**
     * Changes a bond's options to {@code options}, writing only those that differ from what the
     * bond has now. Options the driver only accepts on a bond without slaves (mode) fail with a
     * {@link NetworkException} naming the option when the bond has slaves.
     */
    void setBondOptions(String name, BondOptions options);

    void deleteBond(String name);

    /** Enslaves {@code ifname} to {@code bond}; the adapter takes the interface down first, as the driver wants. */
    void enslave(String bond, String ifname);

    void release(String bond, String ifname);

    /** Makes {@code ifname} the bond's active slave (active-backup, tlb, alb). */
    void setActiveSlave(String bond, String ifname);

    /**
     * Backup slaves deliver what they receive ({@code on}) or drop it, as the driver does by
     * default (all_slaves_active). On while the active slave moves off a card being extracted:
     * until the switch has learnt the bond's MAC address on the new port, frames still reach the
     * old one, which is a backup by then.
     */
    void setAllSlavesActive(String bond, boolean on);

    /**
     * Tells the network that {@code bond}'s addresses are reached through its slave {@code via}
     * now: a gratuitous ARP from the bond's MAC address for each of its IPv4 addresses, sent out of
     * {@code via}. For the moves the driver announces nothing of (a slave released in the modes
     * without an active slave): a learning switch would keep the bond's MAC address on the port
     * that left until the bond happened to send something.
     */
    void announce(String bond, String via);

    void setUp(String ifname, boolean up);

    void setMtu(String ifname, int mtu);

    void addAddress(String ifname, IfAddress address);

    void removeAddress(String ifname, IfAddress address);

    /** Creates VLAN {@code vlanId} on {@code parent}, named {@code name} (e.g. "eth0.253"). */
    void createVlan(String parent, int vlanId, String name);

    void deleteLink(String name);
}
