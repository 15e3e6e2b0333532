package had.core;

import had.backplane.PathState;
import had.config.BondConfig;
import had.config.ChassisConfig;
import had.config.PortConfig;
import had.config.SlotPort;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.PrimaryReselect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the network should look like, derived from the configuration and the cards in service.
 * Pure data: the same configuration and cards always give the same desired state.
 */
record DesiredState(Map<String, Bond> bonds, Map<String, Link> links, Map<String, Paths.Watch> probed) {

    /**
     * A bond had keeps, with options whose primary is resolved to an interface (or null).
     * {@code handover}: had is moving this bond's active slave (off a card being extracted, back
     * to its primary, away from a dead path), and the old port, a backup by then, must still
     * deliver what reaches it until the switch has learned the new one (see
     * {@link had.network.Network#setAllSlavesActive}). {@code deadPaths} and {@code livePaths}: the
     * bond's ports whose path the probes found dead, and found working (neither: not decided);
     * {@code outOfBond}: the ports kept out of the bond for their dead path or ailing card;
     * {@code ailing}: the bond's ports on a card ailing from PCIe errors, kept from being its
     * active slave while another port works.
     */
    record Bond(String name, BondOptions options, List<IfAddress> addresses, int mtu, boolean handover,
                Set<String> deadPaths, Set<String> livePaths, Set<String> outOfBond, Set<String> ailing) {
        Bond(String name, BondOptions options, List<IfAddress> addresses, int mtu, boolean handover) {
            this(name, options, addresses, mtu, handover, Set.of(), Set.of(), Set.of(), Set.of());
        }
    }

    /**
     * An interface on a card in service: a port, or a VLAN sub-interface of one ({@code vlanParent}
     * set). {@code master} is the bond it belongs in, or null; {@code mtu} 0 means leave it.
     */
    record Link(String name, String vlanParent, int vlanId, String master, List<IfAddress> addresses,
                int mtu, int slot, int subdevice) {
        boolean isVlan() {
            return vlanParent != null;
        }

        /** The same port taken out of its bond for a dead path: up, with nothing of the bond's. */
        Link outOfBond() {
            return new Link(name, vlanParent, vlanId, null, List.of(), 0, slot, subdevice);
        }
    }

    static final DesiredState NOTHING = new DesiredState(Map.of(), Map.of(), Map.of());

    /**
     * What the probes say of each port's path: its verdict, and whether a path that came back is
     * still held off after flapping ({@link Paths}).
     */
    interface PathView {
        PathState state(String ifname);

        boolean held(String ifname);

        PathView NONE = new PathView() {
            public PathState state(String ifname) {
                return PathState.UNKNOWN;
            }

            public boolean held(String ifname) {
                return false;
            }
        };
    }

    /** Longest interface name Linux accepts (IFNAMSIZ - 1). */
    static final int IFNAME_MAX = 15;

    static String vlanName(String parent, int vlan) {
        return parent + "." + vlan;
    }

    /** Builds the desired state; problems that make a port unusable are reported to {@code problems}. */
    static DesiredState of(ChassisConfig config, Collection<Slot> slots, Map<Integer, String> problems) {
        return of(config, slots, problems, PathView.NONE, NOTHING, Set.of());
    }

    /**
     * The same, knowing what the probes say of each port's path ({@code path}): a dead path is
     * avoided as had/doc/path-supervision.md says, but a bond never loses its last port whose path
     * might still work: when every path of a bond is dead, it stays as it was ({@code previous}).
     * A path held off after flapping is not given traffic, as if it were still dead. The ports of
     * a card ailing from PCIe errors are avoided the same way, in every bond, supervised or not:
     * never the primary or the active slave while another port works, out of the bonds that
     * spread traffic. {@code handovers}: bonds in the handover window of an active-slave move had made.
     */
    static DesiredState of(ChassisConfig config, Collection<Slot> slots, Map<Integer, String> problems,
                           PathView path, DesiredState previous, Set<String> handovers) {
        Map<String, Link> links = new LinkedHashMap<>();
        for (Slot slot : slots) {
            if (!slot.portsConfigured()) continue;
            for (Map.Entry<Integer, String> port : slot.ports.entrySet()) {
                if (!slot.configures(port.getKey())) continue;
                if (slot.quarantined.containsKey(port.getKey())) {
                    // Flapping: up (so its link is still watched), and nothing else, no VLAN on it.
                    links.put(port.getValue(), new Link(port.getValue(), null, 0, null, List.of(), 0, slot.number, port.getKey()));
                    continue;
                }
                addPort(config, slot.number, port.getKey(), port.getValue(), links, problems);
            }
        }
        Set<Integer> ailingSlots = new LinkedHashSet<>();
        for (Slot slot : slots) if (slot.ailing != null && slot.portsConfigured()) ailingSlots.add(slot.number);
        Map<String, Bond> bonds = new LinkedHashMap<>();
        Map<String, Paths.Watch> probed = new LinkedHashMap<>();
        for (BondConfig bc : config.bonds().values()) {
            boolean handover = handovers.contains(bc.name());
            for (Slot s : slots) handover |= s.handoverBonds.contains(bc.name());
            String primary = primaryOf(bc, slots, config);
            Set<String> dead = new LinkedHashSet<>(), live = new LinkedHashSet<>(), out = new LinkedHashSet<>();
            List<String> members = new ArrayList<>();
            Set<String> avoid = new LinkedHashSet<>(), ailing = new LinkedHashSet<>();
            for (Link l : links.values()) {
                if (!bc.name().equals(l.master())) continue;
                members.add(l.name());
                if (ailingSlots.contains(l.slot())) ailing.add(l.name());
            }
            boolean hasActive = bc.options().mode().hasActiveSlave();
            if (bc.supervised()) {
                for (String m : members) {
                    probed.put(m, new Paths.Watch(bc.name(), bc.paths()));
                    PathState p = path.state(m);
                    if (p == PathState.DOWN) dead.add(m);
                    else if (p == PathState.UP && !path.held(m)) live.add(m);
                    if (p == PathState.DOWN || path.held(m)) avoid.add(m);
                }
                if (hasActive && bc.options().primaryReselect() == PrimaryReselect.ALWAYS) {
                    // Writing primary makes the driver switch to it whatever primary_reselect says,
                    // so it moves only where the driver would move anyway: with "always".
                    primary = primaryAvoiding(primary, members, avoid, live::contains);
                }
            }
            // An ailing card's port is never the primary while another works: the operator asked
            // for its traffic to move (whatever primary_reselect says), and the driver must not
            // take it back at its next reselection.
            if (hasActive) primary = primaryAvoiding(primary, members, ailing, m -> !ailing.contains(m) && !avoid.contains(m));
            avoid.addAll(ailing);
            // Only active-backup sends on one slave alone: balance-tlb and balance-alb send on
            // every slave and receive on the active one, so an avoided port must leave those bonds
            // as it leaves the ones that spread everything.
            boolean oneSends = bc.options().mode() == BondMode.ACTIVE_BACKUP;
            if (!oneSends && !avoid.isEmpty()) {
                if (avoid.size() < members.size()) {
                    out.addAll(avoid);
                } else {
                    Bond before = previous.bonds().get(bc.name());
                    if (before != null) for (String o : before.outOfBond()) if (avoid.contains(o)) out.add(o);
                }
                for (String o : out) links.put(o, links.get(o).outOfBond());
            }
            bonds.put(bc.name(), new Bond(bc.name(), bc.options().withPrimary(primary), bc.addresses(), bc.mtu(),
                    handover, Collections.unmodifiableSet(dead), Collections.unmodifiableSet(live),
                    Collections.unmodifiableSet(out), Collections.unmodifiableSet(ailing)));
        }
        return new DesiredState(Collections.unmodifiableMap(bonds), Collections.unmodifiableMap(links),
                Collections.unmodifiableMap(probed));
    }

    /**
     * The primary a bond should have while some of its ports are avoided (dead paths, an ailing
     * card): the configured one if it is not in {@code avoided}, else the first port that
     * {@code fits} (none: the configured one still). The driver then does not go back to an
     * avoided primary at its next reselection.
     */
    private static String primaryAvoiding(String configured, List<String> members, Set<String> avoided, Predicate<String> fits) {
        if (configured == null || !avoided.contains(configured)) return configured;
        for (String m : members) if (fits.test(m)) return m;
        return configured;
    }

    private static void addPort(ChassisConfig config, int slot, int subdevice, String ifname,
                                Map<String, Link> links, Map<Integer, String> problems) {
        List<PortConfig> pcs = config.configsFor(slot, subdevice);
        if (pcs.isEmpty()) return;
        boolean parentNeeded = false;
        int parentMtu = 0;
        for (PortConfig pc : pcs) {
            if (pc.vlan() > 0) {
                // A VLAN interface is never larger than the port under it (the kernel refuses it,
                // and a bond refuses a slave that cannot take its MTU): the port carries the largest.
                parentMtu = Math.max(parentMtu, pc.mtu());
                BondConfig bond = pc.bond() == null ? null : config.bonds().get(pc.bond());
                if (bond != null) parentMtu = Math.max(parentMtu, bond.mtu());
                String name = vlanName(ifname, pc.vlan());
                if (name.length() > IFNAME_MAX) {
                    problems.put(slot, "VLAN interface name " + name + " is longer than " + IFNAME_MAX
                            + " characters; rename the port or use a shorter VLAN id");
                    continue;
                }
                links.put(name, link(name, ifname, pc, slot, subdevice));
                parentNeeded = true;
            } else {
                links.put(ifname, link(ifname, null, pc, slot, subdevice));
            }
        }
        // A port that only carries tagged VLANs still has to be up, with no address of its own.
        Link untagged = links.get(ifname);
        if (parentNeeded && untagged == null) {
            links.put(ifname, new Link(ifname, null, 0, null, List.of(), parentMtu, slot, subdevice));
        } else if (parentNeeded && untagged.master() == null && untagged.mtu() < parentMtu) {
            links.put(ifname, new Link(ifname, null, 0, null, untagged.addresses(), parentMtu, slot, subdevice));
        }
    }

    private static Link link(String name, String parent, PortConfig pc, int slot, int subdevice) {
        List<IfAddress> addrs = pc.address() == null ? List.of() : List.of(pc.address());
        return new Link(name, parent, parent == null ? 0 : pc.vlan(), pc.bond(), addrs, pc.mtu(), slot, subdevice);
    }

    /** The interface that the bond's configured primary ("slot 2 port 0") is right now, or null. */
    private static String primaryOf(BondConfig bc, Collection<Slot> slots, ChassisConfig config) {
        SlotPort p = bc.primary();
        if (p == null) return null;
        for (Slot s : slots) {
            if (s.number != p.slot() || !s.portsConfigured() || !s.configures(p.port())) continue;
            String port = s.ports.get(p.port());
            if (port == null) return null;
            for (PortConfig pc : config.configsFor(p.slot(), p.port())) {
                if (bc.name().equals(pc.bond())) return pc.vlan() > 0 ? vlanName(port, pc.vlan()) : port;
            }
        }
        return null;
    }
}
