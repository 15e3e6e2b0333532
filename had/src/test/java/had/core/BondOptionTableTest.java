package had.core;

import static had.network.OptionSamples.other;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.PciFunction;
import had.config.ChassisConfig;
import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptionPlan;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.IfAddress;
import had.network.LacpRate;
import had.network.NetworkException;
import had.network.NetworkState;
import had.network.NetworkState.Kind;
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The table of bonding options: {@link BondOptions} holds, compares and names each option alone, the
 * write plan writes each, and a live bond that differs from had.conf in any one of them is changed
 * by the reconciler.
 */
class BondOptionTableTest {
    private final ChassisConfig config = Configs.motorola8216();

    private BondOptions configured() {
        return DesiredState.of(config, List.of(slot2()), new HashMap<>()).bonds().get("bond0").options();
    }

    private static Slot slot2() {
        Slot s = new Slot(2);
        s.state = SlotState.ACTIVE;
        s.functions = List.of(new PciFunction("0000:02:00.0", 0, Configs.E1000E, 0x020000),
                new PciFunction("0000:02:00.1", 1, Configs.E1000E, 0x020000));
        s.ports.put(0, "eth0");
        s.ports.put(1, "eth1");
        return s;
    }

    @Test
    void everyOptionIsHeldComparedAndNamedAlone() {
        BondOptions base = configured();
        for (BondOption o : BondOption.values()) {
            BondOptions other = other(base, o);
            assertEquals(other(o), other.get(o), o.key);
            assertFalse(BondOption.allSame(base, other), o.key + " is not compared");
            String changes = BondOption.changes(base, other);
            assertEquals(1, changes.split(", ").length, changes);
            assertTrue(changes.startsWith(o.key + " "), changes);
        }
    }

    /** Each option's value is checked against the table: a wrong type is refused where it is made, not later. */
    @Test
    void aValueOfTheWrongTypeIsRefused() {
        for (BondOption o : BondOption.values()) {
            Object wrong = o == BondOption.MIIMON ? "100" : 7L;
            assertThrows(IllegalArgumentException.class, () -> BondOptions.KERNEL_DEFAULTS.with(o, wrong), o.key);
        }
        assertThrows(IllegalArgumentException.class, () -> BondOptions.KERNEL_DEFAULTS.with(BondOption.MIIMON, -1));
    }

    /**
     * Every option the plan has no rule for is written by it, as the driver's file takes it, when it
     * differs: a new option in the table needs nothing more to be applied.
     */
    @Test
    void thePlanWritesEveryOptionThatDiffers() {
        for (BondOption o : BondOption.values()) {
            if (o == BondOption.MODE) continue; // only on a bond without slaves: with a mode's own side effects below
            BondMode mode = o.takenIn(BondMode.ACTIVE_BACKUP) ? BondMode.ACTIVE_BACKUP : BondMode.IEEE_802_3AD;
            BondOptions now = BondOptions.defaults(mode);
            BondOptions want = other(now, o);
            if (want.miimon() > 0 && want.arpInterval() > 0) want = want.with(BondOption.MIIMON, 0);
            if (o == BondOption.ARP_VALIDATE) want = want.with(BondOption.MIIMON, 0).with(BondOption.ARP_INTERVAL, 100);
            List<String> written = new ArrayList<>();
            for (BondOptionPlan.Step s : BondOptionPlan.plan("bond0", now, want, false, false)) written.add(s.option());
            assertTrue(written.contains(o.key), o.key + " differs and the plan does not write it: " + written);
        }
        List<BondOptionPlan.Step> steps = BondOptionPlan.plan("bond0", BondOptions.KERNEL_DEFAULTS,
                BondOptions.defaults(BondMode.ACTIVE_BACKUP), false, false);
        assertEquals("mode=active-backup", steps.get(0).toString(), steps.toString());
    }

    /**
     * The modes the driver refuses each option in, written out from bond_options.c's unsuppmodes
     * (Linux 6.1), not from the table: arp_interval and arp_validate in 802.3ad, balance-tlb and
     * balance-alb; primary outside active-backup, balance-tlb and balance-alb; lacp_rate outside
     * 802.3ad; every other option had manages in every mode.
     */
    @Test
    void theTablesModesAreTheDriversOwn() {
        Map<BondOption, Set<BondMode>> refused = Map.of(
                BondOption.ARP_INTERVAL, Set.of(BondMode.IEEE_802_3AD, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB),
                BondOption.ARP_VALIDATE, Set.of(BondMode.IEEE_802_3AD, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB),
                BondOption.PRIMARY, Set.of(BondMode.BALANCE_RR, BondMode.BALANCE_XOR, BondMode.BROADCAST, BondMode.IEEE_802_3AD),
                BondOption.LACP_RATE, Set.of(BondMode.BALANCE_RR, BondMode.ACTIVE_BACKUP, BondMode.BALANCE_XOR,
                        BondMode.BROADCAST, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB));
        for (BondOption o : BondOption.values()) {
            for (BondMode m : BondMode.values()) {
                assertEquals(!refused.getOrDefault(o, Set.of()).contains(m), o.takenIn(m), o.key + " in " + m.kernelName());
            }
        }
    }

    @Test
    void everyOptionIsRefusedByThePlanInTheModesTheDriverRefusesItIn() {
        for (BondOption o : BondOption.values()) {
            for (BondMode m : BondMode.values()) {
                if (o == BondOption.MODE) continue;
                BondOptions now = BondOptionPlan.afterModeChange(BondOptions.KERNEL_DEFAULTS, m).with(BondOption.MIIMON, 100);
                BondOptions want = other(now, o);
                if (want.miimon() > 0 && want.arpInterval() > 0) want = want.with(BondOption.MIIMON, 0);
                String refusal = "bond0: option " + o.key + ": mode dependency failed, not supported in mode " + m.kernelName();
                if (o.takenIn(m)) {
                    BondOptionPlan.plan("bond0", now, want, false, false); // taken: no exception
                    continue;
                }
                BondOptions asked = want;
                NetworkException e = assertThrows(NetworkException.class, () -> BondOptionPlan.plan("bond0", now, asked, false, false));
                assertTrue(e.getMessage().startsWith(refusal), e.getMessage());
            }
        }
    }

    @Test
    void aLiveBondThatDiffersInAnyOneOptionIsChangedByTheReconciler() {
        DesiredState d = DesiredState.of(config, List.of(slot2()), new HashMap<>());
        BondOptions want = d.bonds().get("bond0").options();
        IfAddress bondAddr = new IfAddress(Configs.ip("10.0.1.1"), 24);
        Map<String, NetworkState.Link> links = Map.of(
                "eth0", new NetworkState.Link("eth0", Kind.ETHERNET, true, true, 1500, "bond0", List.of(), null, -1),
                "eth1", new NetworkState.Link("eth1", Kind.ETHERNET, true, true, 1500, "bond0", List.of(), null, -1),
                "bond0", new NetworkState.Link("bond0", Kind.BOND, true, true, 1500, null, List.of(bondAddr), null, -1));
        for (BondOption o : BondOption.values()) {
            BondOptions live = other(want, o);
            NetworkState actual = new NetworkState(links, Map.of("bond0", new NetworkState.Bond("bond0", live,
                    List.of("eth0", "eth1"), "eth0", Map.of("eth0", true, "eth1", true), false)));
            List<Action> plan = Reconciler.plan(d, DesiredState.NOTHING, actual, Set.of("eth0", "eth1"));
            Action.SetBondOptions set = plan.stream().filter(a -> a instanceof Action.SetBondOptions)
                    .map(a -> (Action.SetBondOptions) a).findFirst().orElse(null);
            assertNotNull(set, o.key + " differs on the live bond, and the plan does not change it: " + plan);
            assertEquals(want, set.options(), o.key);
            assertTrue(set.describe().startsWith("set bond0 " + o.key + " " + o.show(live) + " -> " + o.show(want)),
                    set.describe());
        }
    }
}
