package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.OptionSamples;
import had.network.BondOptions;
import had.network.LacpRate;
import had.network.XmitHashPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bonding options: ranges, names and numbers, and what contradicts the mode or each other. */
class BondOptionsTest extends ConfigTestSupport {
    /** A value other than the driver's default, as had.conf writes it (OptionSamples's, a card's port for the primary). */
    private static String set(BondOption o) {
        if (o == BondOption.PRIMARY) return "slot 2 port 0";
        return o.show(OptionSamples.other(BondOptions.KERNEL_DEFAULTS, o));
    }

    @Test
    void everyOptionIsReadAsTheTableSaysHadConfGivesIt() {
        for (BondOption o : BondOption.values()) {
            String bad = switch (o.hadConf.kind()) {
                case NUMBER -> String.valueOf(o.hadConf.max() + 1);
                case CHOICE -> "sideways";
                case IPV4_LIST -> "10.0.0";
                case SLOT_PORT -> "slot two";
            };
            boolean mode = o == BondOption.MODE;
            List<String> said = errors(bond(mode ? "mode = " + bad : "mode = active-backup\n" + o.key + " = " + bad));
            String where = "had.conf:" + (mode ? 3 : 4) + ": ";
            assertTrue(said.stream().anyMatch(s -> s.startsWith(where + o.key)), o.key + " = " + bad + ": " + said);
            if (o.hadConf.kind() == BondOption.Value.Kind.CHOICE) {
                assertTrue(said.stream().anyMatch(s -> s.startsWith(where + o.key + " = sideways is not " + o.hadConf.words()
                        + ": choose one of ")), said.toString());
            }
        }
    }

    @Test
    void everyOptionSetInAModeItDoesNothingInIsAnErrorOrAWarningAsTheTableSays() {
        for (BondOption o : BondOption.values()) {
            for (BondMode m : BondMode.values()) {
                if (o.mattersIn(m)) continue;
                String value = set(o);
                String conf = bond("mode = " + m.kernelName() + "\n" + o.key + " = " + value);
                List<String> said = o.elsewhere == BondOption.Elsewhere.POINTLESS ? warnings(conf) : errors(conf);
                assertTrue(said.stream().anyMatch(s -> s.startsWith("had.conf:4: " + o.key + " ")),
                        o.key + " in " + m.kernelName() + ": " + said);
            }
        }
        // where it matters, or left at the driver's default, nothing is said of it
        assertEquals(List.of(), warnings(bond("mode = 802.3ad\nmin_links = 1")));
        assertEquals(List.of(), warnings(bond("mode = balance-rr\nfail_over_mac = none")));
    }

    /** VALID with bond0's options (lines 3.. of the file) replaced by {@code options}. */
    private static String bond(String options) {
        return VALID.replace("mode = active-backup\nmiimon = 100\n", options + "\n");
    }

    private BondOptions options(String options) {
        return assertValid(bond(options)).bonds().get("bond0").options();
    }

    @Test
    void defaultsAndSeedOptions() {
        BondOptions o = options("mode = active-backup");
        assertEquals(BondMode.ACTIVE_BACKUP, o.mode());
        assertEquals(100, o.miimon());
        assertEquals(0, o.arpInterval());
    }

    @Test
    void enumsByNameOrNumber() {
        BondOptions byName = options("mode = 802.3ad\nlacp_rate = fast\nxmit_hash_policy = layer3+4\nmin_links = 1");
        BondOptions byNumber = options("mode = 4\nlacp_rate = 1\nxmit_hash_policy = 1\nmin_links = 1");
        assertEquals(BondMode.IEEE_802_3AD, byNumber.mode());
        assertEquals(LacpRate.FAST, byNumber.lacpRate());
        assertEquals(XmitHashPolicy.LAYER3_4, byNumber.xmitHashPolicy());
        assertEquals(byName, byNumber);
    }

    @Test
    void arpMonitorFromSeed000() {
        BondOptions o = options("mode = active-backup\narp_interval = 500\narp_validate = 3\n"
                + "arp_ip_target = 10.0.1.254, 10.0.1.253");
        assertEquals(0, o.miimon(), "miimon left out means no MII monitor when the ARP monitor is set");
        assertEquals(500, o.arpInterval());
        assertEquals(ArpValidate.ALL, o.arpValidate());
        assertEquals(2, o.arpIpTargets().size());
    }

    @Test
    void missingMode() {
        assertErrors(bond("miimon = 100"), "had.conf:1: [bond bond0] has no mode: add mode = active-backup"
                + " (one slave carries traffic, the others stand by; the usual choice for a chassis) or another"
                + " of balance-rr (0), active-backup (1), balance-xor (2), broadcast (3), 802.3ad (4),"
                + " balance-tlb (5), balance-alb (6)");
    }

    @Test
    void badEnumListsTheChoices() {
        assertErrors(bond("mode = active-standby"), "had.conf:3: mode = active-standby is not a bonding mode:"
                + " choose one of balance-rr (0), active-backup (1), balance-xor (2), broadcast (3), 802.3ad (4),"
                + " balance-tlb (5), balance-alb (6), by name or number");
        assertErrors(bond("mode = 7"), "had.conf:3: mode = 7 is not a bonding mode: choose one of balance-rr (0),"
                + " active-backup (1), balance-xor (2), broadcast (3), 802.3ad (4), balance-tlb (5),"
                + " balance-alb (6), by name or number");
        assertErrors(bond("mode = 4\nlacp_rate = medium"), "had.conf:4: lacp_rate = medium is not a lacp_rate:"
                + " choose one of slow (0), fast (1), by name or number");
    }

    @Test
    void numberWithUnit() {
        assertErrors(bond("mode = 1\nmiimon = 100ms"), "had.conf:4: miimon = 100ms is not a whole number:"
                + " write the number of milliseconds alone, e.g. miimon = 100");
        assertErrors(bond("mode = 1\nmiimon = 1s"), "had.conf:4: miimon = 1s is not a whole number:"
                + " write the number of milliseconds alone, e.g. miimon = 1000");
    }

    @Test
    void outOfRange() {
        assertErrors(bond("mode = 1\nmiimon = -1"), "had.conf:4: miimon = -1 is out of range: use 0..60000 (milliseconds)");
        assertErrors(bond("mode = 1\nmiimon = 100\ndowndelay = 99999999999999"),
                "had.conf:5: downdelay = 99999999999999 is out of range: use 0..60000 (milliseconds)");
        assertErrors(bond("mode = 4\nmin_links = -2"), "had.conf:4: min_links = -2 is out of range: use 0..1024 (links)");
        assertErrors(bond("mode = 1\nmtu = 67"), "had.conf:4: mtu = 67 is out of range: use 68..65535 (bytes)");
        assertErrors(bond("mode = 1\nmtu = 65536"), "had.conf:4: mtu = 65536 is out of range: use 68..65535 (bytes)");
    }

    @Test
    void delayNotAMultipleOfMiimon() {
        assertErrors(bond("mode = 1\nmiimon = 100\nupdelay = 250"), "had.conf:5: updelay = 250 is not a"
                + " multiple of miimon = 100: the bonding driver would round it down to 200 ms; write"
                + " updelay = 200 or 300");
        assertErrors(bond("mode = 1\ndowndelay = 50"), "had.conf:4: downdelay = 50 is not a multiple of"
                + " miimon = 100: the bonding driver would round it down to 0 ms; write downdelay = 100 (or 0 for no delay)");
    }

    @Test
    void delayWithoutMiimon() {
        assertErrors(bond("mode = 1\narp_interval = 500\narp_ip_target = 10.0.1.254\nupdelay = 200"),
                "had.conf:6: updelay = 200 has no effect without miimon (the delays belong to the MII"
                        + " monitor): set miimon or remove updelay");
    }

    @Test
    void arpMonitorIn8023ad() {
        assertErrors(bond("mode = 802.3ad\nmiimon = 0\narp_interval = 500\narp_ip_target = 10.0.1.254"),
                "had.conf:5: arp_interval does not work in mode 802.3ad: the bonding driver refuses the ARP"
                        + " monitor in 802.3ad, balance-tlb and balance-alb; use miimon instead and remove arp_interval",
                "had.conf:6: arp_ip_target does not work in mode 802.3ad: the bonding driver refuses the ARP"
                        + " monitor in 802.3ad, balance-tlb and balance-alb; use miimon instead and remove arp_ip_target");
    }

    @Test
    void arpMonitorInBalanceAlb() {
        assertErrors(bond("mode = balance-alb\narp_interval = 500\narp_ip_target = 10.0.1.254"),
                "had.conf:4: arp_interval does not work in mode balance-alb: the bonding driver refuses the ARP"
                        + " monitor in 802.3ad, balance-tlb and balance-alb; use miimon instead and remove arp_interval",
                "had.conf:5: arp_ip_target does not work in mode balance-alb: the bonding driver refuses the ARP"
                        + " monitor in 802.3ad, balance-tlb and balance-alb; use miimon instead and remove arp_ip_target");
    }

    @Test
    void lacpRateOutside8023ad() {
        assertErrors(bond("mode = active-backup\nlacp_rate = fast"), "had.conf:4: lacp_rate applies only to"
                + " mode 802.3ad (bond0 is active-backup): the bonding driver refuses it; remove it or change the mode");
    }

    @Test
    void primaryOutsideActiveSlaveModes() {
        assertErrors(bond("mode = balance-rr\nprimary = slot 2 port 0"), "had.conf:4: primary applies only to"
                + " modes active-backup, balance-tlb and balance-alb (bond0 is balance-rr): the bonding driver"
                + " refuses it; remove it or change the mode");
    }

    @Test
    void xmitHashPolicyOutsideHashingModes() {
        assertErrors(bond("mode = active-backup\nxmit_hash_policy = layer2+3"), "had.conf:4: xmit_hash_policy"
                + " applies only to modes balance-xor, 802.3ad and balance-tlb (bond0 is active-backup): the"
                + " bonding driver ignores it; remove it or change the mode");
    }

    @Test
    void arpIntervalWithoutTarget() {
        assertErrors(bond("mode = 1\narp_interval = 500"), "had.conf:4: arp_interval = 500 without"
                + " arp_ip_target: the ARP monitor has nobody to probe and the driver disables it; add"
                + " arp_ip_target = ADDRESS[, ADDRESS...] (up to 16, e.g. the gateway)");
    }

    @Test
    void targetWithoutArpInterval() {
        assertErrors(bond("mode = 1\narp_ip_target = 10.0.1.254"), "had.conf:4: arp_ip_target without"
                + " arp_interval: the targets are never probed; add arp_interval = MILLISECONDS (e.g. 500)"
                + " and miimon = 0, or remove arp_ip_target");
    }

    @Test
    void miimonAndArpIntervalBoth() {
        assertErrors(bond("mode = 1\nmiimon = 100\narp_interval = 500\narp_ip_target = 10.0.1.254"),
                "had.conf:5: miimon = 100 and arp_interval = 500 are both set: the bonding driver runs one"
                        + " monitor only and silently disables the other; set miimon = 0 to use the ARP"
                        + " monitor, or remove arp_interval");
    }

    @Test
    void arpValidateWithoutArpInterval() {
        assertErrors(bond("mode = 1\narp_validate = all"), "had.conf:4: arp_validate without arp_interval:"
                + " there are no ARP probes to validate; add arp_interval and arp_ip_target, or remove arp_validate");
    }

    @Test
    void tooManyArpTargets() {
        StringBuilder targets = new StringBuilder();
        for (int i = 1; i <= 17; i++) targets.append(i == 1 ? "" : ", ").append("10.0.1.").append(100 + i);
        assertErrors(bond("mode = 1\narp_interval = 500\narp_ip_target = " + targets),
                "had.conf:5: arp_ip_target lists 17 addresses: the bonding driver takes at most 16; keep the"
                        + " most useful ones");
    }

    @Test
    void badAndDuplicateArpTargets() {
        assertErrors(bond("mode = 1\narp_interval = 500\narp_ip_target = 10.0.1.254, 10.0.1.254"),
                "had.conf:5: arp_ip_target lists 10.0.1.254 twice: list each target once");
        assertErrors(bond("mode = 1\narp_interval = 500\narp_ip_target = 255.255.255.255"),
                "had.conf:5: arp_ip_target 255.255.255.255 is a reserved or broadcast address: use a unicast host address");
    }

    @Test
    void primaryMustNameASlotAndPort() {
        assertErrors(bond("mode = 1\nprimary = eth0"), "had.conf:4: primary = eth0 does not name a port:"
                + " write primary = slot N port M (e.g. slot 2 port 0); had finds the interface of that card itself");
        assertErrors(bond("mode = 1\nprimary = slot 2 port 9"), "had.conf:4: primary: port = 9 is out of range: use 0..7");
    }

    @Test
    void primaryNotEnslavedIntoTheBond() {
        assertErrors(bond("mode = 1\nprimary = slot 2 port 1"), "had.conf:4: primary = slot 2 port 1, but no"
                + " [slot 2] maps port 1 into bond0 (its ports: slot 2 port 0, slot 12 port 0); map that port"
                + " to a config with bond = bond0, or name a port that is");
    }

    @Test
    void primaryIsKeptAsSlotAndPort() {
        assertEquals(new SlotPort(12, 0), assertValid(bond("mode = 1\nprimary = Slot 12 Port 0")).bonds().get("bond0").primary());
    }

    @Test
    void minLinksMoreThanSlaves() {
        assertErrors(bond("mode = 4\nmin_links = 3"), "had.conf:4: min_links = 3 but only 2 port(s) are"
                + " enslaved into bond0: the bond would never carry traffic; lower min_links or enslave more ports");
    }

    @Test
    void warningsForWhatTheDriverTolerates() {
        assertEquals(List.of("had.conf:4: bond0 has no link monitor (miimon = 0 and no arp_interval): it will"
                        + " never notice a dead link nor fail over; set miimon = 100"),
                warnings(bond("mode = 1\nmiimon = 0")));
        assertEquals(List.of("had.conf:4: min_links only matters in mode 802.3ad (bond0 is active-backup):"
                        + " the bonding driver ignores it"),
                warnings(bond("mode = 1\nmin_links = 1")));
        assertEquals(List.of("had.conf:4: primary_reselect has no effect without primary in bond0: add"
                        + " primary = slot N port M or remove primary_reselect"),
                warnings(bond("mode = 1\nprimary_reselect = better")));
        assertEquals(List.of("had.conf:4: fail_over_mac only matters in mode active-backup (bond0 is"
                        + " balance-rr): the bonding driver ignores it"),
                warnings(bond("mode = 0\nfail_over_mac = active")));
    }

    @Test
    void arpMonitorWithoutAddressIsAWarning() {
        String text = bond("mode = 1\narp_interval = 500\narp_ip_target = 10.0.1.254").replace("address = 10.0.1.1/24\n", "");
        assertEquals(List.of(), errors(text));
        assertEquals(List.of("had.conf:3: bond0 uses the ARP monitor but has no address: its probes go out"
                + " from 0.0.0.0, and with arp_validate every slave stays down; give bond0 an address"), warnings(text));
    }

    @Test
    void aValueThatDoesNotParseDoesNotCauseFollowUpErrors() {
        assertErrors(bond("mode = 1\narp_interval = 500ms\narp_ip_target = 10.0.1.254\nupdelay = 250"),
                "had.conf:4: arp_interval = 500ms is not a whole number: write the number of milliseconds"
                        + " alone, e.g. arp_interval = 500");
    }
}
