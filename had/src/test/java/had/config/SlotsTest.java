package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** [slot] sections and what the ports they map can carry. */
class SlotsTest extends ConfigTestSupport {

    @Test
    void slotsAreKeptPortByPort() {
        ChassisConfig c = assertValid(VALID);
        assertEquals(Map.of(0, List.of("slave"), 1, List.of("plain")), c.slots().get(2).ports());
        assertEquals("bond0", c.configsFor(12, 0).get(0).bond());
        assertEquals(List.of(), c.configsFor(16, 0));
    }

    @Test
    void portMappedTwice() {
        assertErrors(VALID + "0 = plain\n", "had.conf:14: slot 12 port 0 is already mapped at line 13: put all"
                + " of its configs on one line, e.g. 0 = config1, config2");
    }

    @Test
    void portMappedTwiceWrittenDifferently() {
        assertErrors(VALID + "00 = plain\n", "had.conf:14: slot 12 port 0 is already mapped at line 13: put all"
                + " of its configs on one line, e.g. 0 = config1, config2");
    }

    @Test
    void portOutOfRangeOrNotANumber() {
        String expected = " in [slot 12] is not a port number: lines of a [slot] map a port (subdevice 0..7, in"
                + " PCI function order) to configs, e.g. 0 = config1 (its other keys: card, insertion,"
                + " extraction_delay, flap_limit, flap_window, flap_quiet, aer_limit, aer_window)";
        assertErrors(VALID + "8 = plain\n", "had.conf:14: key '8'" + expected);
        assertErrors(VALID + "eth1 = plain\n", "had.conf:14: key 'eth1'" + expected);
    }

    @Test
    void aSlotNamesTheCardItMustHold() {
        ChassisConfig c = assertValid(VALID + "card = 8086:10d3\n");
        assertEquals(new had.backplane.PciId(0x8086, 0x10d3), c.slots().get(12).card());
        assertEquals(null, c.slots().get(2).card(), "any card");
        c = assertValid(VALID + "card = 8086:10D3:8086:a01f\n");
        assertEquals(new had.backplane.PciId(0x8086, 0x10d3, 0x8086, 0xa01f), c.slots().get(12).card());
        assertEquals(List.of(), warnings(VALID + "card = 8086:10d3\n"));
    }

    @Test
    void aCardThatIsNoPciIdOrNamedTwice() {
        assertErrors(VALID + "card = e1000e\n", "had.conf:14: PCI id 'e1000e' is not VENDOR:DEVICE or"
                + " VENDOR:DEVICE:SUBVENDOR:SUBDEVICE with 4 hex digits each (as lspci -n prints them): card ="
                + " 8086:10d3, or with subsystem ids 8086:10d3:8086:a01f");
        assertErrors(VALID + "card = 8086:10d3\ncard = 8086:100e\n",
                "had.conf:15: [slot 12] names its card twice (first at line 14): keep one card line");
    }

    @Test
    void anExpectedCardNoDriverIsMappedToIsAWarning() {
        assertEquals(List.of("had.conf:14: [slot 12] expects card 8086:100e, but pcidrivers.conf maps no"
                + " driver to it: had loads none for that card (it stays IGNORED unless a driver is already bound);"
                + " add a line such as 8086:100e  MODULE"), warnings(VALID + "card = 8086:100e\n"));
    }

    @Test
    void hotSwapPoliciesHaveAChassisWideDefaultAndPerSlotOverrides() {
        ChassisConfig c = assertValid(VALID);
        assertEquals(HotSwapPolicy.DEFAULT, c.policy(2), "auto, acted on at once, as before policies existed");
        c = assertValid("[hotswap]\ninsertion = manual\nextraction_delay = 2000\n" + VALID
                + "insertion = auto\n");
        assertEquals(new HotSwapPolicy(HotSwapPolicy.Insertion.MANUAL, 2000, 10, 10_000, 60_000, 10, 60_000), c.policy(2));
        assertEquals(new HotSwapPolicy(HotSwapPolicy.Insertion.AUTO, 2000, 10, 10_000, 60_000, 10, 60_000), c.policy(12),
                "slot 12's own insertion");
        assertEquals(c.policy(2), c.policy(7), "a slot with no section");
        c = assertValid(VALID + "extraction_delay = 500\nflap_limit = 0\n");
        assertEquals(new HotSwapPolicy(HotSwapPolicy.Insertion.AUTO, 500, 0, 10_000, 60_000, 10, 60_000), c.policy(12));
        c = assertValid("[hotswap]\nflap_limit = 5\nflap_window = 2000\nflap_quiet = 30000\n" + VALID);
        assertEquals(new HotSwapPolicy(HotSwapPolicy.Insertion.AUTO, 0, 5, 2000, 30_000, 10, 60_000), c.policy(12));
        c = assertValid("[hotswap]\naer_limit = 0\n" + VALID + "aer_window = 5000\n");
        assertEquals(new HotSwapPolicy(HotSwapPolicy.Insertion.AUTO, 0, 10, 10_000, 60_000, 0, 5000), c.policy(12));
    }

    @Test
    void badHotSwapPolicies() {
        assertErrors(VALID + "insertion = later\n", "had.conf:14: insertion = later is not a policy: write auto"
                + " (a seated card comes into service at once) or manual (it waits in INSERTING until hadctl insert N"
                + " admits it)");
        assertErrors(VALID + "extraction_delay = 2s\n", "had.conf:14: extraction_delay = 2s is not a whole number:"
                + " write the number of milliseconds alone, e.g. extraction_delay = 2000");
        assertErrors(VALID + "extraction_delay = 600001\n", "had.conf:14: extraction_delay = 600001 is out of range:"
                + " use 0..600000 (milliseconds)");
        assertErrors(VALID + "flap_window = 50\n", "had.conf:14: flap_window = 50 is out of range: use 100..3600000"
                + " (milliseconds)");
        assertErrors(VALID + "flap_limit = -1\n", "had.conf:14: flap_limit = -1 is out of range: use 0..1000"
                + " (link or path changes; 0: never)");
        assertErrors(VALID + "aer_limit = many\n", "had.conf:14: aer_limit = many is not a whole number:"
                + " write a plain decimal number of correctable PCIe errors; 0: never for correctable errors, e.g. aer_limit = 10");
        assertErrors(VALID + "aer_window = 999\n", "had.conf:14: aer_window = 999 is out of range: use 1000..86400000"
                + " (milliseconds)");
        assertErrors(VALID + "insertion = auto\ninsertion = manual\n", "had.conf:15: duplicate key 'insertion' in"
                + " [slot 12]: it is already set at line 14; keep one of the two");
        assertErrors("[hotswap]\ninsertion = manual\ninsertoin = auto\n" + VALID,
                "had.conf:3: unknown key 'insertoin' in [hotswap]: did you mean 'insertion'?");
        assertErrors(VALID.replace("miimon = 100", "miimon = 100\nextraction_delay = 100"), "had.conf:5: key"
                + " 'extraction_delay' does not belong in [bond bond0]: it is a [hotswap] or [slot N] key");
        assertErrors("[hotswap tray]\n" + VALID, "had.conf:1: [hotswap tray] is not a valid header: write [hotswap] (no name)");
    }

    @Test
    void sameConfigTwiceOnAPort() {
        assertErrors(VALID + "1 = slave, slave\n", "had.conf:14: slot 12 port 1 lists config slave twice: list each config once");
    }

    @Test
    void slotNamesAnUndeclaredConfig() {
        assertErrors(VALID + "1 = config9\n", "had.conf:14: slot 12 port 1 names config config9, which no"
                + " [config config9] declares: declared configs: plain, slave; add the [config] section or fix the name");
    }

    @Test
    void configNamesAnUndeclaredBond() {
        assertErrors(VALID.replace("bond = bond0", "bond = bond1"), "had.conf:6: [config slave] enslaves into"
                + " bond bond1, which no [bond bond1] declares: declared bonds: bond0; add the [bond] section or fix the name");
    }

    @Test
    void twoUntaggedConfigsOnOnePort() {
        assertErrors(VALID.replace("1 = plain", "1 = plain, slave"), "had.conf:11: slot 2 port 1 gets two"
                + " untagged configs, plain and slave: a port is either addressed or enslaved once; put one of"
                + " them on a VLAN (vlan = N) or on another port");
    }

    @Test
    void vlanOnAPortThatIsAnUntaggedSlave() {
        String text = VALID + "0 = slave, v5\n".replace("0 = slave, v5", "1 = slave, v5")
                + "[config v5]\nvlan = 5\naddress = 10.0.5.1/24\n";
        assertErrors(text, "had.conf:14: slot 12 port 1 is enslaved untagged into bond0 (slave) and also carries"
                + " VLAN 5 (v5): a bond slave hands every frame to its bond, so the VLAN on the port would never"
                + " receive; enslave the port only through VLANs, or put the VLAN on the bond's side");
    }

    @Test
    void vlanTwiceOnAPort() {
        String text = VALID + "1 = v5a, v5b\n[config v5a]\nvlan = 5\naddress = 10.0.5.1/24\n"
                + "[config v5b]\nvlan = 5\naddress = 10.0.6.1/24\n";
        assertErrors(text, "had.conf:14: slot 12 port 1 gets VLAN 5 twice, from v5a and v5b: one VLAN"
                + " sub-interface per VLAN id; drop one");
    }

    @Test
    void onePortTwiceInOneBond() {
        String text = VALID + "1 = v5, v6\n[config v5]\nvlan = 5\nbond = bond0\n[config v6]\nvlan = 6\nbond = bond0\n";
        assertErrors(text, "had.conf:14: slot 12 port 1 would be enslaved into bond0 twice (v5 and v6): a bond"
                + " survives a port failure only with its slaves on different ports; use another port for one of them");
    }

    @Test
    void vlanOutOfRange() {
        assertErrors(VALID.replace("bond = bond0", "bond = bond0\nvlan = 4095"),
                "had.conf:7: vlan = 4095 is out of range: use 1..4094 (VLAN id)");
        assertErrors(VALID.replace("bond = bond0", "bond = bond0\nvlan = 0"),
                "had.conf:7: vlan = 0 is out of range: use 1..4094 (VLAN id)");
    }

    @Test
    void slaveMtuMustBeTheBonds() {
        assertErrors(VALID.replace("bond = bond0", "bond = bond0\nmtu = 9000"), "had.conf:7: mtu = 9000 in"
                + " [config slave] differs from bond0's (unset, driver default): the bonding driver gives every"
                + " slave the bond's MTU; set mtu on [bond bond0] and remove it here or make them equal");
        assertValid(VALID.replace("bond = bond0", "bond = bond0\nmtu = 9000").replace("miimon = 100", "miimon = 100\nmtu = 9000"));
    }

    @Test
    void mtuOfAPlainPort() {
        assertEquals(1500, assertValid(VALID.replace("address = 10.0.2.1/24", "address = 10.0.2.1/24\nmtu = 1500"))
                .configs().get("plain").mtu());
    }

    @Test
    void warningsAboutUnusedAndSingleCardBonds() {
        String text = VALID.replace("[slot 12]\n0 = slave\n", "") + "[config spare]\naddress = 10.0.9.1/24\n"
                + "[bond bond1]\nmode = 1\n[slot 5]\n";
        assertEquals(List.of(), errors(text));
        assertEquals(List.of(
                "had.conf:1: all of bond0's ports are on the card in slot 2: pulling that card takes bond0 down;"
                        + " enslave a port of another card too",
                "had.conf:12: config spare is not used by any [slot]: map a port to it (e.g. 0 = spare) or remove it",
                "had.conf:14: bond1 has no slaves: no [slot] maps a port to a config with bond = bond1; had"
                        + " creates it, but it carries nothing",
                "had.conf:16: [slot 5] maps no port: a card inserted there is left alone; add 0 = CONFIG or"
                        + " remove the section"), warnings(text));
    }
}
