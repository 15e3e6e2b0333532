package had.network.linux;

import had.network.BondOptionPlan;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.MiiStatus;
import had.network.Network;
import had.network.NetworkException;
import had.network.NetworkState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network of a real Linux kernel: bonds through the bonding driver's sysfs interface (the
 * interface that can set every option), per-slave state from /proc/net/bonding, links from
 * /sys/class/net, and addresses, up/down, MTU and VLANs through rtnetlink (as iproute2 sets them,
 * without a process per change).
 *
 * <p>Option changes follow {@link BondOptionPlan}: only what differs, in the order the driver
 * accepts. Slaves are taken down before "+ifname" is written, since the driver refuses a device
 * that is up and opens it itself.
 */
public final class LinuxNetwork implements Network {
    private static final int IFF_UP = 0x1;
    private static final int ARPHRD_ETHER = 1;

    private final Sysfs sysfs;
    private final BondFiles bondFiles;
    private final Rtnetlink rtnl;
    private final FrameSender frames;

    /** Whole Ethernet frames out of one interface. */
    interface FrameSender {
        void send(String ifname, byte[] frame) throws java.io.IOException;
    }

    /** The network of the process's own kernel and namespace. */
    public LinuxNetwork() {
        this(Path.of("/"), new KernelRtnetlink(), Sysfs.FILES, had.os.PacketSocket::send);
    }

    LinuxNetwork(Path root, Rtnetlink rtnl, Sysfs.Writer writer, FrameSender frames) {
        this.sysfs = new Sysfs(root, writer);
        this.bondFiles = new BondFiles(sysfs);
        this.rtnl = rtnl;
        this.frames = frames;
    }

    @Override
    public NetworkState read() {
        Map<Integer, List<IfAddress>> addresses = rtnl.addresses();
        Map<String, NetworkState.Link> links = new LinkedHashMap<>();
        for (String name : sysfs.list("sys/class/net")) {
            if (!sysfs.exists("sys/class/net/" + name + "/flags")) continue; // bonding_masters and the like
            // A link that went between the listing and here is simply not part of this reading.
            Optional<String> index = sysfs.tryRead("sys/class/net/" + name + "/ifindex");
            if (index.isEmpty()) continue;
            links.put(name, link(name, addresses.getOrDefault(Integer.parseInt(index.get()), List.of())));
        }
        Map<String, NetworkState.Bond> bonds = new LinkedHashMap<>();
        for (String b : bondFiles.bonds()) bonds.put(b, bond(b));
        return new NetworkState(links, bonds);
    }

    private NetworkState.Link link(String name, List<IfAddress> addresses) {
        String d = "sys/class/net/" + name + "/";
        boolean up = (Integer.decode(sysfs.read(d + "flags")) & IFF_UP) != 0;
        // Reading carrier of a device that is down answers EINVAL: no carrier.
        boolean carrier = up && sysfs.tryRead(d + "carrier").map("1"::equals).orElse(false);
        int mtu = Integer.parseInt(sysfs.read(d + "mtu"));
        String master = sysfs.linkTarget(d + "master").orElse(null);
        String devtype = devtype(d);
        NetworkState.Kind kind;
        String parent = null;
        int vid = -1;
        if ("vlan".equals(devtype)) {
            kind = NetworkState.Kind.VLAN;
            parent = lower(d).orElse(null);
            vid = vlanId(name);
        } else if ("bond".equals(devtype) || sysfs.exists(d + "bonding")) {
            kind = NetworkState.Kind.BOND;
        } else if (devtype == null && sysfs.tryRead(d + "type").map(t -> t.equals(String.valueOf(ARPHRD_ETHER))).orElse(false)) {
            kind = NetworkState.Kind.ETHERNET;
        } else {
            kind = NetworkState.Kind.OTHER;
        }
        return new NetworkState.Link(name, kind, up, carrier, mtu, master, addresses, parent, vid);
    }

    /** DEVTYPE from the device's uevent (vlan, bond, bridge...); plain Ethernet ports have none. */
    private String devtype(String d) {
        for (String line : sysfs.tryRead(d + "uevent").orElse("").split("\n")) {
            if (line.startsWith("DEVTYPE=")) return line.substring("DEVTYPE=".length()).trim();
        }
        return null;
    }

    /** A stacked device has a lower_PARENT link to the device under it. */
    private Optional<String> lower(String d) {
        for (String f : sysfs.list(d)) if (f.startsWith("lower_")) return Optional.of(f.substring("lower_".length()));
        return Optional.empty();
    }

    /** /proc/net/vlan/NAME: "NAME  VID: 253  REORDER_HDR: 1 ...". */
    private int vlanId(String name) {
        String text = sysfs.tryRead("proc/net/vlan/" + name).orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("VID:\\s*(\\d+)").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private NetworkState.Bond bond(String name) {
        List<String> slaves = bondFiles.slaves(name);
        Map<String, MiiStatus> status = ProcBonding.slaveStatus(sysfs.tryRead("proc/net/bonding/" + name).orElse(""));
        Map<String, Boolean> up = new LinkedHashMap<>();
        for (String s : slaves) up.put(s, status.getOrDefault(s, MiiStatus.DOWN).working());
        boolean allSlavesActive = sysfs.tryRead(BondFiles.dir(name) + "all_slaves_active").map("1"::equals).orElse(false);
        return new NetworkState.Bond(name, bondFiles.options(name), slaves, bondFiles.activeSlave(name), up, allSlavesActive);
    }

    @Override
    public void createBond(String name, BondOptions options) {
        if (sysfs.exists("sys/class/net/" + name)) throw new NetworkException(name + ": cannot create bond: File exists");
        // Checked against the driver's defaults first, so a refused plan creates nothing.
        BondOptionPlan.plan(name, BondOptionPlan.KERNEL_DEFAULTS, options, false, false);
        sysfs.write(name, "sys/class/net/bonding_masters", "+" + name);
        try {
            execute(name, BondOptionPlan.plan(name, bondFiles.options(name), options, false, false));
        } catch (NetworkException e) {
            try {
                sysfs.write(name, "sys/class/net/bonding_masters", "-" + name);
            } catch (NetworkException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    @Override
    public void setBondOptions(String name, BondOptions options) {
        boolean hasSlaves = !bondFiles.slaves(name).isEmpty();
        execute(name, BondOptionPlan.plan(name, bondFiles.options(name), options, hasSlaves, isUp(name)));
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
        sysfs.write(name, "sys/class/net/bonding_masters", "-" + name);
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
        return (Integer.decode(sysfs.read("sys/class/net/" + ifname + "/flags")) & IFF_UP) != 0;
    }
}
