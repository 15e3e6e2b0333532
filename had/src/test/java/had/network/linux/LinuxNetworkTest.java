package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.IfAddress;
import had.network.LacpRate;
import had.network.MiiStatus;
import had.network.NetworkException;
import had.network.NetworkState;
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the adapter writes and runs, and how it reads a tree shaped like Linux 6.1's sysfs and procfs. */
class LinuxNetworkTest {
    @TempDir
    Path root;
    KernelTree tree;
    LinuxNetwork net;

    @BeforeEach
    void setUp() {
        tree = new KernelTree(root);
        net = tree.network();
    }

    static Inet4Address ip(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    static BondOptions ab(String primary, PrimaryReselect reselect, int minLinks) {
        return BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.UPDELAY, 200).withPrimary(primary)
                .with(BondOption.PRIMARY_RESELECT, reselect).with(BondOption.MIN_LINKS, minLinks);
    }

    /** bond0 in active-backup with eth0 (primary, going back) and eth1 (active), as the sample shows. */
    private void runningBond() {
        tree.port("eth0", true, true, 1500).port("eth1", true, true, 1500).port("eth2", true, true, 1500)
                .port("eth3", false, false, 1500)
                .bond("bond0", true, "mode", "active-backup 1", "miimon", "100", "updelay", "200",
                        "primary", "eth0", "slaves", "eth0 eth1", "active_slave", "eth1")
                .slaveOf("eth0", "bond0", MiiStatus.BACK).slaveOf("eth1", "bond0", MiiStatus.UP)
                .vlan("eth2.253", "eth2", 253);
        tree.addresses.put(tree.index("bond0"), List.of(new IfAddress(IfAddress.fromInt(0x0a000101), 24)));
    }

    @Test
    void carrierIsOneInterfacesCarrierFileFalseWhenItCannotBeRead() throws Exception {
        tree.port("eth0", true, true, 1500).port("eth1", true, false, 1500);
        assertTrue(net.carrier("eth0"));
        assertFalse(net.carrier("eth1"));
        assertFalse(net.carrier("eth9"), "not there");
        java.nio.file.Files.delete(root.resolve("sys/class/net/eth0/carrier")); // as a device that is down answers EINVAL
        assertFalse(net.carrier("eth0"));
    }

    @Test
    void aBondsSlavesAreInTheOrderOfTheDriversReportWhichItWritesWithoutTheRtnlLock() throws Exception {
        runningBond();
        // The driver's order (enslaved last, eth0 first) from /proc/net/bonding; the sysfs file,
        // whose read spins while rtnl is held, says otherwise here and must not be what is read.
        tree.report("bond0", "eth1", "eth0");
        tree.file("sys/class/net/bond0/bonding/slaves", "eth9");
        assertEquals(List.of("eth1", "eth0"), net.read().bond("bond0").slaves());
        java.nio.file.Files.delete(root.resolve("proc/net/bonding/bond0"));
        assertEquals(null, net.read().bond("bond0"), "a bond without its report (gone meanwhile) is not part of the reading");
    }

    @Test
    void readParsesLinksBondsAndSlaveStates() throws Exception {
        runningBond();
        NetworkState s = net.read();

        NetworkState.Bond b = s.bond("bond0");
        assertEquals(ab("eth0", PrimaryReselect.ALWAYS, 0), b.options());
        assertEquals(List.of("eth0", "eth1"), b.slaves());
        assertEquals("eth1", b.activeSlave());
        assertEquals(Map.of("eth0", false, "eth1", true), b.slaveUp(), "eth0 is 'going back'");
        assertEquals(1, b.slavesMiiUp());

        NetworkState.Link eth0 = s.link("eth0");
        assertEquals(NetworkState.Kind.ETHERNET, eth0.kind());
        assertEquals("bond0", eth0.master());
        assertTrue(eth0.up() && eth0.carrier());
        NetworkState.Link eth3 = s.link("eth3");
        assertFalse(eth3.up() || eth3.carrier());
        NetworkState.Link vlan = s.link("eth2.253");
        assertEquals(NetworkState.Kind.VLAN, vlan.kind());
        assertEquals("eth2", vlan.vlanParent());
        assertEquals(253, vlan.vlanId());
        NetworkState.Link bond = s.link("bond0");
        assertEquals(NetworkState.Kind.BOND, bond.kind());
        assertEquals(List.of(new IfAddress(ip("10.0.1.1"), 24, ip("10.0.1.255"))), bond.addresses());
        assertNull(s.link("bonding_masters"));
        assertTrue(tree.trace.isEmpty(), "reading writes nothing");
    }

    @Test
    void createWritesTheBondThenOnlyTheOptionsThatDifferFromTheDriversDefaults() {
        tree.afterWrite = (file, value) -> {
            if (value.equals("+bond0")) tree.bond("bond0", false); // the driver's new bond, with its defaults
        };
        net.createBond("bond0", ab("eth0", PrimaryReselect.ALWAYS, 0));
        assertEquals(List.of(
                "write sys/class/net/bonding_masters +bond0",
                "write sys/class/net/bond0/bonding/mode active-backup",
                "write sys/class/net/bond0/bonding/miimon 100",
                "write sys/class/net/bond0/bonding/updelay 200",
                "write sys/class/net/bond0/bonding/downdelay 0",
                "write sys/class/net/bond0/bonding/primary eth0"), tree.trace);
    }

    @Test
    void theFirstBondOnAKernelWithoutTheBondingDriverLoadsItWithoutABondOfItsOwn() {
        tree.withoutBonding();
        tree.afterWrite = (file, value) -> {
            if (value.equals("+bond0")) tree.bond("bond0", false);
        };
        net.createBond("bond0", ab("eth0", PrimaryReselect.ALWAYS, 0));
        assertEquals(List.of("modprobe bonding max_bonds=0", "write sys/class/net/bonding_masters +bond0"),
                tree.trace.subList(0, 2));
        tree.trace.clear();
        tree.afterWrite = (file, value) -> {
            if (value.equals("+bond1")) tree.bond("bond1", false);
        };
        net.createBond("bond1", ab("eth2", PrimaryReselect.ALWAYS, 0));
        assertEquals("write sys/class/net/bonding_masters +bond1", tree.trace.get(0), "loaded once");
    }

    @Test
    void aBondingDriverThatWillNotLoadFailsTheBondWithModprobesWords() {
        tree.withoutBonding();
        tree.failing.put("modprobe bonding", "modprobe: FATAL: Module bonding not found in directory /lib/modules/6.1.0");
        NetworkException e = assertThrows(NetworkException.class, () -> net.createBond("bond0", ab("eth0", PrimaryReselect.ALWAYS, 0)));
        assertEquals("bond0: cannot create bond: the bonding driver is not loaded, and modprobe: FATAL: Module bonding"
                + " not found in directory /lib/modules/6.1.0", e.getMessage());
        assertEquals(List.of("modprobe bonding max_bonds=0"), tree.trace, "nothing written");
    }

    @Test
    void optionChangesWriteOnlyTheDifference() {
        runningBond();
        net.setBondOptions("bond0", ab("eth0", PrimaryReselect.FAILURE, 1));
        assertEquals(List.of(
                "write sys/class/net/bond0/bonding/primary_reselect failure",
                "write sys/class/net/bond0/bonding/min_links 1"), tree.trace);
    }

    @Test
    void aModeChangeOnABondWithSlavesIsRefusedBeforeAnythingIsWritten() {
        runningBond();
        BondOptions lacp = BondOptions.defaults(BondMode.IEEE_802_3AD).with(BondOption.UPDELAY, 200)
                .with(BondOption.LACP_RATE, LacpRate.FAST).with(BondOption.XMIT_HASH_POLICY, XmitHashPolicy.LAYER2_3);
        NetworkException e = assertThrows(NetworkException.class, () -> net.setBondOptions("bond0", lacp));
        assertEquals("bond0: option mode: unable to set because the bond device has slaves", e.getMessage());
        assertTrue(tree.trace.isEmpty());
    }

    @Test
    void aModeChangeOnAnUpBondWithoutSlavesTakesItDownAroundTheWrites() {
        tree.bond("bond0", true, "mode", "active-backup 1", "miimon", "100");
        BondOptions lacp = BondOptions.defaults(BondMode.IEEE_802_3AD).with(BondOption.LACP_RATE, LacpRate.FAST)
                .with(BondOption.XMIT_HASH_POLICY, XmitHashPolicy.LAYER2_3).with(BondOption.MIN_LINKS, 2);
        net.setBondOptions("bond0", lacp);
        assertEquals(List.of(
                "rtnl link set bond0 down",
                "write sys/class/net/bond0/bonding/mode 802.3ad",
                "write sys/class/net/bond0/bonding/lacp_rate fast",
                "write sys/class/net/bond0/bonding/xmit_hash_policy layer2+3",
                "write sys/class/net/bond0/bonding/min_links 2",
                "rtnl link set bond0 up"), tree.trace);
    }

    @Test
    void arpTargetsGoOneAtATimeBeforeArpMonitoringStarts() throws Exception {
        tree.bond("bond0", false, "mode", "active-backup 1", "miimon", "100", "arp_ip_target", "10.0.0.9");
        BondOptions arp = BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.MIIMON, 0)
                .with(BondOption.ARP_INTERVAL, 500).with(BondOption.ARP_IP_TARGET, List.of(ip("10.0.0.1"), ip("10.0.0.2")))
                .with(BondOption.ARP_VALIDATE, ArpValidate.ALL);
        net.setBondOptions("bond0", arp);
        assertEquals(List.of(
                "write sys/class/net/bond0/bonding/arp_ip_target -10.0.0.9",
                "write sys/class/net/bond0/bonding/arp_ip_target +10.0.0.1",
                "write sys/class/net/bond0/bonding/arp_ip_target +10.0.0.2",
                "write sys/class/net/bond0/bonding/arp_interval 500",
                "write sys/class/net/bond0/bonding/arp_validate all"), tree.trace);
    }

    @Test
    void enslaveTakesAnUpDeviceDownFirst() {
        runningBond();
        net.enslave("bond0", "eth2");
        net.enslave("bond0", "eth3");
        assertEquals(List.of(
                "rtnl link set eth2 down",
                "write sys/class/net/bond0/bonding/slaves +eth2",
                "write sys/class/net/bond0/bonding/slaves +eth3"), tree.trace);
    }

    @Test
    void aSlaveOfAnotherBondIsLeftAlone() {
        runningBond();
        tree.bond("bond1", true);
        NetworkException e = assertThrows(NetworkException.class, () -> net.enslave("bond1", "eth0"));
        assertEquals("bond1: cannot enslave eth0: already a slave of bond0", e.getMessage());
        assertTrue(tree.trace.isEmpty(), "not even taken down");
    }

    @Test
    void releaseActiveSlaveAndDelete() {
        runningBond();
        net.setActiveSlave("bond0", "eth0");
        net.release("bond0", "eth1");
        net.deleteBond("bond0");
        assertEquals(List.of(
                "write sys/class/net/bond0/bonding/active_slave eth0",
                "write sys/class/net/bond0/bonding/slaves -eth1",
                "write sys/class/net/bonding_masters -bond0"), tree.trace);
    }

    @Test
    void announceSendsOneGratuitousArpPerAddressOfTheBondFromItsMacOutOfTheSlave() {
        runningBond();
        tree.addresses.put(tree.index("bond0"), List.of(new IfAddress(IfAddress.fromInt(0x0a000101), 24),
                new IfAddress(IfAddress.fromInt(0xc0a80a01), 16)));
        net.announce("bond0", "eth1");
        // broadcast, from bond0's 02:00:00:00:00:05, ARP request: sender = target = the address
        assertEquals(List.of(
                "send eth1 ffffffffffff020000000005" + "0806" + "0001080006040001" + "020000000005" + "0a000101"
                        + "000000000000" + "0a000101",
                "send eth1 ffffffffffff020000000005" + "0806" + "0001080006040001" + "020000000005" + "c0a80a01"
                        + "000000000000" + "c0a80a01"), tree.trace);
    }

    @Test
    void anAnnouncementThatCannotBeSentNamesTheSlaveTheAddressAndTheBond() {
        runningBond();
        tree.failing.put("send eth1", "Operation not permitted (errno 1)");
        NetworkException e = assertThrows(NetworkException.class, () -> net.announce("bond0", "eth1"));
        assertEquals("eth1: cannot announce 10.0.1.1 of bond0: Operation not permitted (errno 1)", e.getMessage());
    }

    @Test
    void linksAddressesAndVlansGoThroughRtnetlink() throws Exception {
        runningBond();
        IfAddress a = new IfAddress(ip("10.0.2.1"), 24);
        net.addAddress("eth3", a);
        net.removeAddress("eth3", a);
        net.addAddress("eth3", new IfAddress(ip("10.0.3.1"), 31));
        net.setMtu("eth2", 9000);
        net.createVlan("eth2", 254, "eth2.254");
        net.setUp("eth2.254", true);
        net.deleteLink("eth2.254");
        assertEquals(List.of(
                "rtnl addr add 10.0.2.1/24 brd 10.0.2.255 dev eth3",
                "rtnl addr del 10.0.2.1/24 dev eth3",
                "rtnl addr add 10.0.3.1/31 dev eth3",
                "rtnl link set eth2 mtu 9000",
                "rtnl link add eth2.254 link eth2 vlan id 254",
                "rtnl link set eth2.254 up",
                "rtnl link del eth2.254"), tree.trace);
    }

    @Test
    void errorsCarryTheCommandOrFileAndTheKernelsWords() {
        runningBond();
        tree.failing.put("rtnl link add eth2.253 link eth2 vlan id 253", "cannot create VLAN 253 on eth2: File exists");
        NetworkException e = assertThrows(NetworkException.class, () -> net.createVlan("eth2", 253, "eth2.253"));
        assertEquals("eth2.253: cannot create VLAN 253 on eth2: File exists", e.getMessage());

        NetworkException w = assertThrows(NetworkException.class, () -> net.setActiveSlave("bond9", "eth0"));
        assertTrue(w.getMessage().startsWith("bond9: writing 'eth0' to " + root.resolve("sys/class/net/bond9/bonding/active_slave")
                + " failed: No such file or directory"), w.getMessage());
    }
}
