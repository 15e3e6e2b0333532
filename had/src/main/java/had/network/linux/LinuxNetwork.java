package had.network.linux;

import had.network.BondOptionPlan;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.MiiStatus;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import had.os.Modprobe;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network of a real Linux kernel: bonds through the bonding driver's sysfs interface (the
 * interface that can set every option), links, bonds and their slaves' state from rtnetlink, the
 * slaves' order from /proc/net/bonding, and addresses, up/down, MTU and VLANs through rtnetlink
 * (as iproute2 sets them, without a process per change).
 *
 * <p>Option changes follow {@link BondOptionPlan}: only what differs, in the order the driver
 * accepts. Slaves are taken down before "+ifname" is written, since the driver refuses a device
 * that is up and opens it itself.
 */
public final class LinuxNetwork implements Network {

    private final Sysfs sysfs;
    private final Rtnetlink rtnl;
    private final FrameSender frames;
    private final BondingDriver bonding;

    /** Whole Ethernet frames out of one interface. */
    interface FrameSender {
        void send(String ifname, byte[] frame) throws java.io.IOException;
    }

    /** Loads the bonding driver. */
    interface BondingDriver {
        void load() throws Modprobe.Failed;
    }

    /**
     * The network of the process's own kernel and namespace. The bonding driver is loaded with
     * {@code modprobe} when had creates the first bond and finds it missing (as on a controller
     * that just booted), with max_bonds=0: with its defaults it would make a bond0 of its own.
     */
    public LinuxNetwork(Modprobe modprobe) {
        this(Path.of("/"), new KernelRtnetlink(), Sysfs.FILES, new had.os.PacketSocket()::send,
                () -> modprobe.load("bonding", "max_bonds=0"));
    }

    LinuxNetwork(Path root, Rtnetlink rtnl, Sysfs.Writer writer, FrameSender frames, BondingDriver bonding) {
        this.sysfs = new Sysfs(root, writer);
        this.rtnl = rtnl;
        this.frames = frames;
        this.bonding = bonding;
    }

    /**
     * One RTM_GETLINK dump and one address dump, plus two files per bond for what the dump does
     * not carry: the slaves in the driver's order (the order it picks a new active slave in, from
     * its report in /proc/net/bonding, see {@link BondFiles#slavesIn}) and the primary by name
     * (sysfs, see {@link KernelLink.BondInfo}).
     */
    @Override
    public NetworkState read() {
        List<KernelLink> dump = rtnl.links();
        Map<Integer, List<IfAddress>> addresses = rtnl.addresses();
        Map<Integer, KernelLink> byIndex = new HashMap<>();
        Map<String, KernelLink> byName = new HashMap<>();
        for (KernelLink k : dump) {
            byIndex.put(k.index(), k);
            byName.put(k.name(), k);
        }
        Map<String, NetworkState.Link> links = new LinkedHashMap<>();
        Map<String, NetworkState.Bond> bonds = new LinkedHashMap<>();
        for (KernelLink k : dump) {
            links.put(k.name(), link(k, byIndex, addresses.getOrDefault(k.index(), List.of())));
            // A bond that went between the dump and its sysfs files is simply not part of this reading.
            if (k.bond() != null) bond(k, byIndex, byName).ifPresent(b -> bonds.put(k.name(), b));
        }
        return new NetworkState(links, bonds);
    }

    private static NetworkState.Link link(KernelLink k, Map<Integer, KernelLink> byIndex, List<IfAddress> addresses) {
        KernelLink master = byIndex.get(k.masterIndex());
        KernelLink lower = byIndex.get(k.lowerIndex());
        NetworkState.Kind kind;
        if (k.bond() != null) kind = NetworkState.Kind.BOND;
        else if (k.vlanId() >= 0) kind = NetworkState.Kind.VLAN;
        else if (k.ethernet() && (k.kind() == null || !STACKING_KINDS.contains(k.kind()))) kind = NetworkState.Kind.ETHERNET;
        else kind = NetworkState.Kind.OTHER;
        return new NetworkState.Link(k.name(), kind, k.up(), k.up() && k.carrier(), k.mtu(),
                master == null ? null : master.name(), addresses,
                kind == NetworkState.Kind.VLAN && lower != null ? lower.name() : null, k.vlanId());
    }

    /** Devices made of other devices: Ethernet framing, but no port of a card. */
    private static final java.util.Set<String> STACKING_KINDS = java.util.Set.of("bridge", "team", "macsec", "hsr");

    private Optional<NetworkState.Bond> bond(KernelLink k, Map<Integer, KernelLink> byIndex, Map<String, KernelLink> byName) {
        Optional<String> report = sysfs.tryRead(BondFiles.report(k.name()));
        Optional<String> primary = sysfs.tryRead(BondFiles.dir(k.name()) + "primary");
        if (report.isEmpty() || primary.isEmpty()) return Optional.empty();
        List<String> slaves = BondFiles.slavesIn(report.get());
        Map<String, Boolean> up = new LinkedHashMap<>();
        for (String s : slaves) {
            KernelLink slave = byName.get(s);
            up.put(s, slave != null && slave.mii() != null && slave.masterIndex() == k.index() && slave.mii().working());
        }
        KernelLink active = byIndex.get(k.bond().activeSlaveIndex());
        BondOptions options = options(k, primary.get());
        return Optional.of(new NetworkState.Bond(k.name(), options, slaves, active == null ? null : active.name(), up,
                k.bond().allSlavesActive()));
    }

    /** The bond's options: the dump's, with the primary by name from sysfs ("" for none, as BondOptions takes it). */
    private static BondOptions options(KernelLink k, String primary) {
        return k.bond().options().withPrimary(primary);
    }

    /**
     * What a change of a bond's options starts from, read for that bond alone (one RTM_GETLINK and
     * two files, not the whole network: the change may be a failover's).
     */
    private record BondNow(BondOptions options, boolean hasSlaves, boolean up) {
    }

    private BondNow bondNow(String bond) {
        Optional<KernelLink> k = rtnl.link(bond).filter(l -> l.bond() != null);
        Optional<String> report = sysfs.tryRead(BondFiles.report(bond));
        Optional<String> primary = sysfs.tryRead(BondFiles.dir(bond) + "primary");
        if (k.isEmpty() || report.isEmpty() || primary.isEmpty()) throw new NetworkException(bond + ": no such bond");
        return new BondNow(options(k.get(), primary.get()), !BondFiles.slavesIn(report.get()).isEmpty(), k.get().up());
    }

    @Override
    public void createBond(String name, BondOptions options) {
        if (sysfs.exists("sys/class/net/" + name)) throw new NetworkException(name + ": cannot create bond: File exists");
        // Checked against the driver's defaults first, so a refused plan creates nothing.
        BondOptionPlan.plan(name, BondOptions.KERNEL_DEFAULTS, options, false, false);
        if (!sysfs.exists(BONDING_MASTERS)) loadBonding(name);
        sysfs.write(name, BONDING_MASTERS, "+" + name);
        try {
            execute(name, BondOptionPlan.plan(name, bondNow(name).options(), options, false, false));
        } catch (NetworkException e) {
            try {
                sysfs.write(name, BONDING_MASTERS, "-" + name);
            } catch (NetworkException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private static final String BONDING_MASTERS = "sys/class/net/bonding_masters";

    private void loadBonding(String bond) {
        try {
            bonding.load();
        } catch (Modprobe.Failed e) {
            throw new NetworkException(bond + ": cannot create bond: the bonding driver is not loaded, and " + e.getMessage());
        }
        if (!sysfs.exists(BONDING_MASTERS)) {
            throw new NetworkException(bond + ": cannot create bond: the bonding driver was loaded, but /"
                    + BONDING_MASTERS + " is missing");
        }
    }

    @Override
    public void setBondOptions(String name, BondOptions options) {
        BondNow now = bondNow(name);
        execute(name, BondOptionPlan.plan(name, now.options(), options, now.hasSlaves(), now.up()));
    }

    private void execute(String bond, List<BondOptionPlan.Step> steps) {
        for (BondOptionPlan.Step s : steps) {
            switch (s.action()) {
                case WRITE -> sysfs.write(bond, BondFiles.dir(bond) + s.option(), s.value());
                case BOND_DOWN -> setUp(bond, false);
                case BOND_UP -> setUp(bond, true);
            }
        }
    }

    @Override
    public void deleteBond(String name) {
        sysfs.write(name, BONDING_MASTERS, "-" + name);
    }

    @Override
    public void enslave(String bond, String ifname) {
        if (!sysfs.exists("sys/class/net/" + ifname)) {
            throw new NetworkException(bond + ": cannot enslave " + ifname + ": no such device");
        }
        Optional<String> master = sysfs.linkTarget("sys/class/net/" + ifname + "/master");
        if (master.isPresent()) {
            // Checked before taking it down: a slave of another bond must not lose its link.
            throw new NetworkException(bond + ": cannot enslave " + ifname + ": already a slave of " + master.get());
        }
        if (isUp(ifname)) setUp(ifname, false);
        sysfs.write(bond, BondFiles.dir(bond) + "slaves", "+" + ifname);
    }

    /** The carrier file answers only while the device is up (EINVAL otherwise): false then. */
    @Override
    public boolean carrier(String ifname) {
        return sysfs.tryRead("sys/class/net/" + ifname + "/carrier").map("1"::equals).orElse(false);
    }

    @Override
    public void release(String bond, String ifname) {
        sysfs.write(bond, BondFiles.dir(bond) + "slaves", "-" + ifname);
    }

    @Override
    public void setActiveSlave(String bond, String ifname) {
        sysfs.write(bond, BondFiles.dir(bond) + "active_slave", ifname);
    }

    @Override
    public void setAllSlavesActive(String bond, boolean on) {
        sysfs.write(bond, BondFiles.dir(bond) + "all_slaves_active", on ? "1" : "0");
    }

    @Override
    public void announce(String bond, String via) {
        String d = "sys/class/net/" + bond + "/";
        byte[] mac = GratuitousArp.mac(sysfs.read(d + "address"));
        int index = Integer.parseInt(sysfs.read(d + "ifindex"));
        for (IfAddress a : rtnl.addresses().getOrDefault(index, List.of())) {
            try {
                frames.send(via, GratuitousArp.frame(mac, a.address()));
            } catch (java.io.IOException e) {
                throw new NetworkException(via + ": cannot announce " + a.address().getHostAddress() + " of " + bond
                        + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void setUp(String ifname, boolean up) {
        rtnl.setUp(ifname, up);
    }

    @Override
    public void setMtu(String ifname, int mtu) {
        rtnl.setMtu(ifname, mtu);
    }

    @Override
    public void addAddress(String ifname, IfAddress address) {
        rtnl.addAddress(ifname, address);
    }

    @Override
    public void removeAddress(String ifname, IfAddress address) {
        rtnl.removeAddress(ifname, address);
    }

    @Override
    public void createVlan(String parent, int vlanId, String name) {
        rtnl.createVlan(parent, vlanId, name);
    }

    @Override
    public void deleteLink(String name) {
        rtnl.deleteLink(name);
    }

    private boolean isUp(String ifname) {
        return (Integer.decode(sysfs.read("sys/class/net/" + ifname + "/flags")) & RtnlMessages.IFF_UP) != 0;
    }
}
