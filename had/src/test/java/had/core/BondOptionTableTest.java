package had.core;

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
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The table of bonding options against {@link BondOptions}: every option the record holds is in the
 * table, and a live bond that differs from had.conf in any one of them is changed by the reconciler.
 */
class BondOptionTableTest {
    private final ChassisConfig config = Configs.motorola8216();

    /** For each component of BondOptions, a value other than bond0's in conf/had.conf. */
    private static final Map<String, Object> OTHER = Map.ofEntries(
            Map.entry("mode", BondMode.BALANCE_XOR),
            Map.entry("miimon", 200),
            Map.entry("updelay", 400),
            Map.entry("downdelay", 400),
            Map.entry("arpInterval", 100),
            Map.entry("arpIpTargets", List.of(Configs.ip("10.0.1.100"))),
            Map.entry("arpValidate", ArpValidate.ACTIVE),
            Map.entry("primary", "eth1"),
            Map.entry("primaryReselect", PrimaryReselect.FAILURE),
            Map.entry("lacpRate", LacpRate.FAST),
            Map.entry("xmitHashPolicy", XmitHashPolicy.LAYER3_4),
            Map.entry("minLinks", 1),
            Map.entry("failOverMac", FailOverMac.ACTIVE));

    /** {@code o} with one record component set to {@code v}. */
    private static BondOptions with(BondOptions o, String component, Object v) throws Exception {
        RecordComponent[] cs = BondOptions.class.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            args[i] = cs[i].getName().equals(component) ? v : cs[i].getAccessor().invoke(o);
        }
        Constructor<BondOptions> c = BondOptions.class.getDeclaredConstructor(types);
        return c.newInstance(args);
    }

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
    void everyOptionOfTheRecordIsInTheTableAndComparedByIt() throws Exception {
        BondOptions base = configured();
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : BondOptions.class.getRecordComponents()) {
            Object v = OTHER.get(c.getName());
            assertNotNull(v, "no other value for BondOptions." + c.getName() + " in this test: add one, and the option to BondOption");
            BondOptions other = with(base, c.getName(), v);
            assertFalse(BondOption.allSame(base, other), c.getName() + " is compared by no entry of BondOption");
            String changes = BondOption.changes(base, other);
            assertEquals(1, changes.split(", ").length, changes);
            keys.add(changes.substring(0, changes.indexOf(' ')));
        }
        // one entry per component, in the record's order, each its own key
        assertEquals(BondOption.keys(), keys);
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
    void everyOptionIsRefusedByThePlanInTheModesTheDriverRefusesItIn() throws Exception {
        for (BondOption o : BondOption.values()) {
            String component = componentOf(o);
            for (BondMode m : BondMode.values()) {
                if (o == BondOption.MODE) continue;
                BondOptions now = with(BondOptionPlan.afterModeChange(BondOptionPlan.KERNEL_DEFAULTS, m), "miimon", 100);
                BondOptions want = with(now, component, OTHER.get(component));
                if (want.miimon() > 0 && want.arpInterval() > 0) want = with(want, "miimon", 0);
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

    /** The record component the option reads. */
    private static String componentOf(BondOption o) throws Exception {
        BondOptions base = BondOptionPlan.KERNEL_DEFAULTS;
        for (RecordComponent c : BondOptions.class.getRecordComponents()) {
            if (!o.same(base, with(base, c.getName(), OTHER.get(c.getName())))) return c.getName();
        }
        throw new AssertionError(o.key + " reads no component of BondOptions");
    }

    @Test
    void aLiveBondThatDiffersInAnyOneOptionIsChangedByTheReconciler() throws Exception {
        DesiredState d = DesiredState.of(config, List.of(slot2()), new HashMap<>());
        BondOptions want = d.bonds().get("bond0").options();
        IfAddress bondAddr = new IfAddress(Configs.ip("10.0.1.1"), 24);
        Map<String, NetworkState.Link> links = Map.of(
                "eth0", new NetworkState.Link("eth0", Kind.ETHERNET, true, true, 1500, "bond0", List.of(), null, -1),
                "eth1", new NetworkState.Link("eth1", Kind.ETHERNET, true, true, 1500, "bond0", List.of(), null, -1),
                "bond0", new NetworkState.Link("bond0", Kind.BOND, true, true, 1500, null, List.of(bondAddr), null, -1));
        for (BondOption o : BondOption.values()) {
            String component = null;
            for (RecordComponent c : BondOptions.class.getRecordComponents()) {
                if (!o.same(want, with(want, c.getName(), OTHER.get(c.getName())))) component = c.getName();
            }
            BondOptions live = with(want, component, OTHER.get(component));
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
