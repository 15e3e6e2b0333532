package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.PciFunction;
import had.config.ChassisConfig;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.NetworkState;
import had.network.NetworkState.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    private final ChassisConfig config = Configs.motorola8216();

    private static Slot activeSlot(int n, String... ifnames) {
        Slot s = new Slot(n);
        s.state = SlotState.ACTIVE;
        PciFunction[] fs = new PciFunction[ifnames.length];
        for (int i = 0; i < ifnames.length; i++) {
            fs[i] = new PciFunction(String.format("0000:%02x:00.%d", n, i), i, Configs.E1000E, 0x020000);
            s.ports.put(i, ifnames[i]);
        }
        s.functions = List.of(fs);
        return s;
    }

    private static NetworkState.Link eth(String name, boolean up, String master, IfAddress... addrs) {
        return new NetworkState.Link(name, Kind.ETHERNET, up, up, 1500, master, List.of(addrs), null, -1);
    }

    private static NetworkState.Link bondLink(String name, IfAddress... addrs) {
        return new NetworkState.Link(name, Kind.BOND, true, true, 1500, null, List.of(addrs), null, -1);
    }

    private DesiredState desired(Slot... slots) {
        return DesiredState.of(config, List.of(slots), new HashMap<>());
    }

    @Test
    void emptyKernelGetsBondThenSlavesThenAddressesInOrder() {
        Slot s2 = activeSlot(2, "eth1", "eth0");
        NetworkState actual = new NetworkState(Map.of("eth0", eth("eth0", false, null), "eth1", eth("eth1", false, null)),
                Map.of());
        List<String> plan = Reconciler.plan(desired(s2), DesiredState.NOTHING, actual, Set.of("eth0", "eth1"))
                .stream().map(Action::describe).toList();
        // The bonding driver opens a port it enslaves: no "bring up" of its own.
        assertEquals(List.of("create bond0 (active-backup)",
                "enslave eth1 into bond0",
                "enslave eth0 into bond0",
                "add 10.0.1.1/24 to bond0", "bring bond0 up"), plan);
    }

    @Test
    void primaryIsTheInterfaceAtSlot2Port0WhateverItsName() {
        // eth1 is port 0 of slot 2 because it is PCI function 0: names do not decide.
        DesiredState d = desired(activeSlot(2, "eth1", "eth0"), activeSlot(12, "eth2", "eth3"));
        assertEquals("eth1", d.bonds().get("bond0").options().primary());
    }

    @Test
    void whatAlreadyMatchesIsNotTouched() {
        Slot s2 = activeSlot(2, "eth0", "eth1");
        Slot s16 = activeSlot(16, "eth4");
        DesiredState d = desired(s2, s16);
        BondOptions opts = d.bonds().get("bond0").options();
        IfAddress bondAddr = new IfAddress(Configs.ip("10.0.1.1"), 24);
        IfAddress plain = new IfAddress(Configs.ip("10.0.2.1"), 24);
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", true, "bond0"), "eth1", eth("eth1", true, "bond0"),
                "eth4", eth("eth4", true, null, plain), "bond0", bondLink("bond0", bondAddr)),
                Map.of("bond0", new NetworkState.Bond("bond0", opts, List.of("eth0", "eth1"), "eth1",
                        Map.of("eth0", true, "eth1", true))));
        // What a restarted had finds: same bond, slaves, addresses; nothing to do, even with no
        // memory of what it applied before.
        assertEquals(List.of(), Reconciler.plan(d, DesiredState.NOTHING, actual, Set.of("eth0", "eth1", "eth4")));
    }

    @Test
    void aPrimaryOutOfItsBondIsNotWrittenAgainAndAgain() {
        // The driver shows a primary only while it is a slave, and keeps the name of one that is
        // not for its enslavement: written once, it reads back as none until then.
        Slot s2 = activeSlot(2, "eth0", "eth1");
        DesiredState d = desired(s2);
        BondOptions opts = d.bonds().get("bond0").options();
        assertEquals("eth0", opts.primary());
        IfAddress bondAddr = new IfAddress(Configs.ip("10.0.1.1"), 24);
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", true, null), "eth1", eth("eth1", true, "bond0"), "bond0", bondLink("bond0", bondAddr)),
                Map.of("bond0", new NetworkState.Bond("bond0", opts.withPrimary(null), List.of("eth1"), "eth1",
                        Map.of("eth1", true))));
        List<Action> plan = Reconciler.plan(d, DesiredState.NOTHING, actual, Set.of("eth0", "eth1"));
        assertTrue(plan.stream().noneMatch(a -> a instanceof Action.SetBondOptions), plan.toString());
        assertTrue(plan.contains(new Action.Enslave("bond0", "eth0")), plan.toString());
        // once it is a slave, a primary that differs is written
        NetworkState enslaved = new NetworkState(Map.of(
                "eth0", eth("eth0", true, "bond0"), "eth1", eth("eth1", true, "bond0"), "bond0", bondLink("bond0", bondAddr)),
                Map.of("bond0", new NetworkState.Bond("bond0", opts.withPrimary("eth1"), List.of("eth0", "eth1"), "eth1",
                        Map.of("eth0", true, "eth1", true))));
        assertTrue(Reconciler.plan(d, DesiredState.NOTHING, enslaved, Set.of("eth0", "eth1")).stream()
                .anyMatch(a -> a instanceof Action.SetBondOptions), "primary eth1 -> eth0");
    }

    @Test
    void aSlaveSomeoneTookDownIsBroughtUpWithoutLeavingItsBond() {
        Slot s2 = activeSlot(2, "eth0", "eth1");
        DesiredState d = desired(s2);
        BondOptions opts = d.bonds().get("bond0").options();
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", false, "bond0"), "eth1", eth("eth1", true, "bond0"),
                "bond0", bondLink("bond0", new IfAddress(Configs.ip("10.0.1.1"), 24))),
                Map.of("bond0", new NetworkState.Bond("bond0", opts, List.of("eth0", "eth1"), "eth1",
                        Map.of("eth0", false, "eth1", true))));
        assertEquals(List.of("bring eth0 up"),
                Reconciler.plan(d, d, actual, Set.of("eth0", "eth1")).stream().map(Action::describe).toList());
    }

    @Test
    void modeChangeReleasesSlavesFirstAndEnslavesThemInTheNextRound() {
        Slot s2 = activeSlot(2, "eth0", "eth1");
        ChassisConfig lacp = Configs.motorola8216(BondOptions.defaults(BondMode.IEEE_802_3AD));
        DesiredState d = DesiredState.of(lacp, List.of(s2), new HashMap<>());
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", true, "bond0"), "eth1", eth("eth1", true, "bond0"),
                "bond0", bondLink("bond0", new IfAddress(Configs.ip("10.0.1.1"), 24))),
                Map.of("bond0", new NetworkState.Bond("bond0", BondOptions.defaults(BondMode.ACTIVE_BACKUP),
                        List.of("eth0", "eth1"), "eth0", Map.of("eth0", true, "eth1", true))));
        List<String> plan = Reconciler.plan(d, d, actual, Set.of("eth0", "eth1")).stream().map(Action::describe).toList();
        assertEquals(List.of("release eth0 from bond0", "release eth1 from bond0", "set bond0 mode active-backup -> 802.3ad",
                "enslave eth0 into bond0", "enslave eth1 into bond0"), plan);
    }

    @Test
    void portsOfACardLeavingServiceAreReleasedAndItsAddressRemoved() {
        Slot s2 = activeSlot(2, "eth0", "eth1");
        Slot s16 = activeSlot(16, "eth4");
        DesiredState before = desired(s2, s16);
        // Extracted, the quiesce over: the cards leave service.
        s2.state = SlotState.EXTRACTING;
        s2.quiesced = true;
        s16.state = SlotState.EXTRACTING;
        s16.quiesced = true;
        DesiredState after = desired(s2, s16);
        IfAddress plain = new IfAddress(Configs.ip("10.0.2.1"), 24);
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", true, "bond0"), "eth1", eth("eth1", true, "bond0"),
                "eth4", eth("eth4", true, null, plain, new IfAddress(Configs.ip("172.16.0.9"), 16)),
                "bond0", bondLink("bond0", new IfAddress(Configs.ip("10.0.1.1"), 24))),
                Map.of("bond0", new NetworkState.Bond("bond0", before.bonds().get("bond0").options(),
                        List.of("eth0", "eth1"), "eth0", Map.of("eth0", true, "eth1", true))));
        List<String> plan = Reconciler.plan(after, before, actual, Set.of("eth0", "eth1", "eth4")).stream()
                .map(Action::describe).toList();
        // The primary goes with the card; the address an operator added by hand stays.
        assertTrue(plan.contains("set bond0 primary eth0 -> none"), plan.toString());
        assertTrue(plan.contains("release eth0 from bond0") && plan.contains("release eth1 from bond0"), plan.toString());
        // Only once they are out: a bond without a primary takes its first working slave (Linux 6.0+).
        assertTrue(plan.indexOf("release eth1 from bond0") < plan.indexOf("set bond0 primary eth0 -> none"), plan.toString());
        assertTrue(plan.contains("remove 10.0.2.1/24 from eth4"), plan.toString());
        assertTrue(plan.stream().noneMatch(a -> a.contains("172.16.0.9")), plan.toString());
    }

    @Test
    void vlansOfACardLeavingServiceAreDeletedBeforeTheirBondsPrimaryChanges() {
        ChassisConfig vc = Configs.vlanBonds();
        Slot s3 = activeSlot(3, "eth0", "eth1");
        DesiredState before = DesiredState.of(vc, List.of(s3), new HashMap<>());
        s3.state = SlotState.EXTRACTING;
        s3.quiesced = true;
        DesiredState after = DesiredState.of(vc, List.of(s3), new HashMap<>());
        Map<String, NetworkState.Link> links = new HashMap<>();
        for (String p : List.of("eth0", "eth1")) {
            links.put(p, eth(p, true, null));
            links.put(p + ".253", eth(p + ".253", true, "bond253"));
            links.put(p + ".254", eth(p + ".254", true, "bond254"));
        }
        NetworkState actual = new NetworkState(links, Map.of(
                "bond253", new NetworkState.Bond("bond253", before.bonds().get("bond253").options(),
                        List.of("eth0.253", "eth1.253"), "eth0.253", Map.of("eth0.253", true, "eth1.253", true)),
                "bond254", new NetworkState.Bond("bond254", before.bonds().get("bond254").options(),
                        List.of("eth0.254", "eth1.254"), "eth1.254", Map.of("eth0.254", true, "eth1.254", true))));
        List<String> plan = Reconciler.plan(after, before, actual, Set.of("eth0", "eth1")).stream()
                .map(Action::describe).toList();
        assertTrue(plan.indexOf("delete eth0.253") >= 0
                && plan.indexOf("delete eth0.253") < plan.indexOf("set bond253 primary eth0.253 -> none"), plan.toString());
    }

    @Test
    void foreignSlavesOfForeignBondsAreLeftAlone() {
        Slot s2 = activeSlot(2, "eth0", "eth1");
        DesiredState d = desired(s2);
        NetworkState actual = new NetworkState(Map.of(
                "eth0", eth("eth0", true, "bond0"), "eth1", eth("eth1", true, "bond0"),
                "eth9", eth("eth9", true, "bond9"), "bond0", bondLink("bond0", new IfAddress(Configs.ip("10.0.1.1"), 24))),
                Map.of("bond0", new NetworkState.Bond("bond0", d.bonds().get("bond0").options(), List.of("eth0", "eth1"),
                        "eth0", Map.of("eth0", true, "eth1", true))));
        assertEquals(List.of(), Reconciler.plan(d, d, actual, Set.of("eth0", "eth1")));
    }

    @Test
    void vlanSubInterfacesAreCreatedAndEnslavedIntoTheirBonds() {
        ChassisConfig vc = Configs.vlanBonds();
        Slot s3 = activeSlot(3, "eth0", "eth1");
        DesiredState d = DesiredState.of(vc, List.of(s3), new HashMap<>());
        assertEquals("eth0.253", d.bonds().get("bond253").options().primary());
        assertEquals("eth1.254", d.bonds().get("bond254").options().primary());
        NetworkState actual = new NetworkState(Map.of("eth0", eth("eth0", false, null), "eth1", eth("eth1", false, null)),
                Map.of());
        List<String> plan = Reconciler.plan(d, DesiredState.NOTHING, actual, Set.of("eth0", "eth1")).stream()
                .map(Action::describe).toList();
        assertTrue(plan.indexOf("create VLAN eth0.253 on eth0") < plan.indexOf("enslave eth0.253 into bond253"), plan.toString());
        assertTrue(plan.indexOf("bring eth0 up") < plan.indexOf("create VLAN eth0.253 on eth0"), plan.toString());
        assertTrue(plan.contains("set MTU of bond253 to 9000"), plan.toString());
        assertTrue(plan.indexOf("set MTU of bond254 to 9000") < plan.indexOf("enslave eth1.254 into bond254"), plan.toString());
        assertEquals(4, plan.stream().filter(a -> a.startsWith("enslave")).count(), plan.toString());
    }
}
