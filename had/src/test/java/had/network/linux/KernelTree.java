package had.network.linux;

import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.KernelEnum;
import had.network.MiiStatus;
import had.network.NetworkException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory tree shaped like the parts of sysfs and procfs the adapter reads, and recorders for
 * what it writes and runs, in one trace so that the order between the two shows. Writes land in
 * the files but do nothing more: the kernel's side effects are the lab's business. Rtnetlink
 * changes are traced in iproute2's words ("rtnl addr add ...").
 */
final class KernelTree {
    final Path root;
    final List<String> trace = new ArrayList<>();
    /** Changes (as traced) the fake kernel refuses, with the words it refuses them with. */
    final Map<String, String> failing = new HashMap<>();
    /** The IPv4 addresses the fake kernel reports, by interface index. */
    final Map<Integer, List<IfAddress>> addresses = new HashMap<>();
    private final Map<String, Integer> indexes = new HashMap<>();
    private final Map<String, MiiStatus> mii = new HashMap<>();
    private final Map<String, String> vlanParents = new HashMap<>();
    private final Map<String, Integer> vlanIds = new HashMap<>();
    /** The one kernel reaction a test may want to emulate after a write (a bond appearing, say). */
    java.util.function.BiConsumer<String, String> afterWrite = (file, value) -> { };

    KernelTree(Path root) {
        this.root = root;
        file("sys/class/net/bonding_masters", "");
    }

    /** A kernel that just booted: the bonding driver is not loaded (a modprobe in the trace loads it). */
    KernelTree withoutBonding() {
        try {
            Files.delete(root.resolve("sys/class/net/bonding_masters"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    LinuxNetwork network() {
        Rtnetlink rtnl = new Rtnetlink() {
            @Override
            public List<KernelLink> links() {
                return dump();
            }

            @Override
            public Map<Integer, List<IfAddress>> addresses() {
                return addresses;
            }

            @Override
            public void setUp(String ifname, boolean up) {
                change(ifname, "rtnl link set " + ifname + (up ? " up" : " down"));
            }

            @Override
            public void setMtu(String ifname, int mtu) {
                change(ifname, "rtnl link set " + ifname + " mtu " + mtu);
            }

            @Override
            public void addAddress(String ifname, IfAddress a) {
                change(ifname, "rtnl addr add " + a + (a.broadcast() == null ? "" : " brd " + a.broadcast().getHostAddress())
                        + " dev " + ifname);
            }

            @Override
            public void removeAddress(String ifname, IfAddress a) {
                change(ifname, "rtnl addr del " + a + " dev " + ifname);
            }

            @Override
            public void createVlan(String parent, int vlanId, String name) {
                change(name, "rtnl link add " + name + " link " + parent + " vlan id " + vlanId);
            }

            @Override
            public void deleteLink(String ifname) {
                change(ifname, "rtnl link del " + ifname);
            }

            private void change(String subject, String what) {
                trace.add(what);
                String refusal = failing.get(what);
                if (refusal != null) throw new NetworkException(subject + ": " + refusal);
            }
        };
        Sysfs.Writer writer = (file, value) -> {
            trace.add("write " + root.relativize(file) + " " + value);
            Sysfs.FILES.write(file, value);
            afterWrite.accept(root.relativize(file).toString(), value);
        };
        LinuxNetwork.FrameSender frames = (ifname, frame) -> {
            StringBuilder hex = new StringBuilder();
            for (byte b : frame) hex.append(String.format("%02x", b & 0xff));
            String what = "send " + ifname + " " + hex;
            trace.add(what);
            String refusal = failing.get("send " + ifname);
            if (refusal != null) throw new IOException(refusal);
        };
        LinuxNetwork.BondingDriver bonding = () -> {
            trace.add("modprobe bonding max_bonds=0");
            String refusal = failing.get("modprobe bonding");
            if (refusal != null) throw new had.os.Modprobe.Failed(refusal);
            file("sys/class/net/bonding_masters", "");
        };
        return new LinuxNetwork(root, rtnl, writer, frames, bonding);
    }

    KernelTree port(String name, boolean up, boolean carrier, int mtu) {
        String d = "sys/class/net/" + name + "/";
        file(d + "flags", up ? "0x1003" : "0x1002");
        file(d + "carrier", carrier ? "1" : "0");
        file(d + "operstate", up && carrier ? "up" : "down");
        file(d + "mtu", String.valueOf(mtu));
        file(d + "type", "1");
        int index = indexes.computeIfAbsent(name, n -> indexes.size() + 1);
        file(d + "ifindex", String.valueOf(index));
        file(d + "uevent", "INTERFACE=" + name + "\nIFINDEX=" + index);
        return this;
    }

    /** The interface's index, as the fake kernel numbered it. */
    int index(String name) {
        return indexes.get(name);
    }

    KernelTree vlan(String name, String parent, int vid) {
        port(name, true, true, 1500);
        String d = "sys/class/net/" + name + "/";
        file(d + "uevent", "DEVTYPE=vlan\nINTERFACE=" + name + "\nIFINDEX=" + index(name));
        vlanParents.put(name, parent);
        vlanIds.put(name, vid);
        return this;
    }

    /** A bond as the driver creates it (balance-rr, no monitoring), or with the given sysfs values. */
    KernelTree bond(String name, boolean up, String... keyValues) {
        port(name, up, up, 1500);
        String d = "sys/class/net/" + name + "/";
        file(d + "uevent", "DEVTYPE=bond\nINTERFACE=" + name + "\nIFINDEX=" + index(name));
        file(d + "address", String.format("02:00:00:00:00:%02x", index(name)));
        String b = d + "bonding/";
        // Every option as a fresh bond shows it (an enum as "name number"), then slaves and active_slave.
        for (BondOption o : BondOption.values()) {
            Object v = o.kernelDefault;
            file(b + o.key, v instanceof KernelEnum k ? k.kernelName() + " " + k.number()
                    : v instanceof List<?> ? "" : o.written(BondOptions.KERNEL_DEFAULTS));
        }
        file(b + "slaves", "");
        file(b + "active_slave", "");
        for (int i = 0; i < keyValues.length; i += 2) file(b + keyValues[i], keyValues[i + 1]);
        report(name, read(b + "slaves").split(" "));
        String masters = read("sys/class/net/bonding_masters");
        file("sys/class/net/bonding_masters", (masters.isEmpty() ? "" : masters + " ") + name);
        return this;
    }

    /**
     * The driver's report on BOND in /proc/net/bonding, as the 6.1 driver writes it (the lab's
     * a-proc-bond0.txt), listing {@code slaves} in that order; the sysfs file "slaves" is left as
     * it is (the adapter only writes it).
     */
    KernelTree report(String bond, String... slaves) {
        StringBuilder r = new StringBuilder("Ethernet Channel Bonding Driver: v6.1.0-57-amd64\n\n"
                + "Bonding Mode: fault-tolerance (active-backup)\nPrimary Slave: None\nCurrently Active Slave: None\n"
                + "MII Status: up\nMII Polling Interval (ms): 100\nUp Delay (ms): 0\nDown Delay (ms): 0\n"
                + "Peer Notification Delay (ms): 0\n");
        for (String s : slaves) {
            if (s.isEmpty()) continue;
            r.append("\nSlave Interface: ").append(s).append("\nMII Status: up\nSpeed: 1000 Mbps\nDuplex: full\n"
                    + "Link Failure Count: 0\nPermanent HW addr: 52:54:00:00:02:00\nSlave queue ID: 0\n");
        }
        file("proc/net/bonding/" + bond, r.toString());
        return this;
    }

    KernelTree slaveOf(String slave, String bond, MiiStatus mii) {
        symlink("sys/class/net/" + slave + "/master", "../" + bond);
        this.mii.put(slave, mii);
        return this;
    }

    /**
     * What the fake kernel answers to an RTM_GETLINK dump: each interface of the tree as its files
     * say it is now, so that what the adapter wrote shows in its next reading as it would.
     */
    private List<KernelLink> dump() {
        List<KernelLink> links = new ArrayList<>();
        for (Map.Entry<String, Integer> e : indexes.entrySet()) {
            String name = e.getKey();
            String d = "sys/class/net/" + name + "/";
            if (!Files.exists(root.resolve(d + "flags"))) continue;
            String uevent = read(d + "uevent");
            String kind = uevent.contains("DEVTYPE=bond") ? "bond" : uevent.contains("DEVTYPE=vlan") ? "vlan" : null;
            Integer master = target(d + "master").map(indexes::get).orElse(0);
            int lower = 0;
            int vid = -1;
            if ("vlan".equals(kind)) {
                lower = indexes.get(vlanParents.get(name));
                vid = vlanIds.get(name);
            }
            KernelLink.BondInfo bond = "bond".equals(kind) ? bondInfo(name) : null;
            links.add(new KernelLink(e.getValue(), name, (Integer.decode(read(d + "flags")) & 1) != 0, true,
                    Integer.parseInt(read(d + "mtu")), read(d + "carrier").equals("1"), master, lower, kind, vid, bond,
                    master != 0 ? mii.getOrDefault(name, MiiStatus.DOWN) : null));
        }
        links.sort(java.util.Comparator.comparingInt(KernelLink::index));
        return links;
    }

    private KernelLink.BondInfo bondInfo(String name) {
        String b = "sys/class/net/" + name + "/bonding/";
        List<java.net.Inet4Address> targets = new ArrayList<>();
        for (String t : read(b + "arp_ip_target").split(" ")) {
            if (!t.isEmpty()) targets.add(IfAddress.fromInt(Arrays.stream(t.split("\\.")).mapToInt(Integer::parseInt)
                    .reduce(0, (acc, octet) -> acc << 8 | octet)));
        }
        BondOptions o = BondOptions.of(option -> switch (option.hadConf.kind()) {
            case IPV4_LIST -> targets;
            case SLOT_PORT -> null; // the dump does not carry the primary: had reads its name from sysfs
            case CHOICE -> choice(option, b + option.key);
            case NUMBER -> number(b + option.key);
        });
        String active = read(b + "active_slave");
        return new KernelLink.BondInfo(o, active.isEmpty() ? 0 : indexes.get(active),
                Files.exists(root.resolve(b + "all_slaves_active")) && read(b + "all_slaves_active").equals("1"));
    }

    private int number(String file) {
        return Integer.parseInt(read(file));
    }

    private <E extends Enum<E> & KernelEnum> Object choice(BondOption option, String file) {
        Class<E> type = option.choices();
        return kernelEnum(type, file);
    }

    /** sysfs prints these "name number"; a write leaves what was written, either. */
    private <E extends Enum<E> & KernelEnum> E kernelEnum(Class<E> type, String file) {
        return KernelEnum.parse(type, read(file).split(" ")[0]).orElseThrow();
    }

    private java.util.Optional<String> target(String relative) {
        Path p = root.resolve(relative);
        try {
            return Files.isSymbolicLink(p) ? java.util.Optional.of(Files.readSymbolicLink(p).getFileName().toString())
                    : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void file(String relative, String content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content.isEmpty() || content.endsWith("\n") ? content : content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String relative) {
        try {
            return Files.readString(root.resolve(relative)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void symlink(String relative, String target) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
