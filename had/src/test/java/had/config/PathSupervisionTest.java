package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.PathSupervision;
import had.network.BondMode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** path_targets, path_interval, path_missed, path_answered of a [bond NAME] section. */
class PathSupervisionTest extends ConfigTestSupport {

    /** VALID with {@code lines} added to bond0 after miimon: the first of them is line 5. */
    private static String paths(String lines) {
        return VALID.replace("miimon = 100\n", "miimon = 100\n" + lines + "\n");
    }

    private PathSupervision supervision(String lines) {
        return assertValid(paths(lines)).bonds().get("bond0").paths();
    }

    /** The one error of bond0 with {@code path_targets = targets} (line 5). */
    private void assertTargetError(String targets, String message) {
        assertErrors(paths("path_targets = " + targets), "had.conf:5: " + message);
    }

    private static String targets(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) b.append(i == 1 ? "" : ", ").append("10.0.1.").append(100 + i);
        return b.toString();
    }

    // --- What is accepted --------------------------------------------------------------------

    @Test
    void notSupervisedWithoutPathTargets() {
        BondConfig bond0 = assertValid(VALID).bonds().get("bond0");
        assertNull(bond0.paths());
        assertFalse(bond0.supervised());
    }

    @Test
    void defaults() {
        PathSupervision p = supervision("path_targets = 10.0.1.100");
        assertEquals(List.of(address("10.0.1.100")), p.targets());
        assertEquals(100, p.intervalMs());
        assertEquals(3, p.missed());
        assertEquals(2, p.answered());
        assertEquals(PathSupervision.DEFAULT_INTERVAL_MS, p.intervalMs());
        assertEquals(PathSupervision.DEFAULT_MISSED, p.missed());
        assertEquals(PathSupervision.DEFAULT_ANSWERED, p.answered());
        assertTrue(assertValid(paths("path_targets = 10.0.1.100")).bonds().get("bond0").supervised());
    }

    @Test
    void fullSection() {
        String text = paths("path_targets = 10.0.1.100, fd00:1::100\npath_interval = 20\npath_missed = 5\n"
                + "path_answered = 4");
        assertEquals(List.of(), warnings(text));
        PathSupervision p = assertValid(text).bonds().get("bond0").paths();
        assertEquals(new PathSupervision(List.of(address("10.0.1.100"), address("fd00:1::100")), 20, 5, 4), p);
        assertEquals("10.0.1.100,fd00:1:0:0:0:0:0:100", p.targetList());
    }

    @Test
    void mixedIpv4AndIpv6InEveryTextualForm() {
        PathSupervision p = supervision("path_targets = fd00:1::100,10.0.1.254 , 2001:DB8:0:0:0:0:0:1, 2001:db8::10.0.1.5,"
                + " 1:2:3:4:5:6:7::, ::2:3:4:5:6:7:8, 64:ff9b::c000:221");
        assertEquals(List.of(address("fd00:1::100"), address("10.0.1.254"), address("2001:db8::1"),
                address("2001:db8::a00:105"), address("1:2:3:4:5:6:7:0"), address("0:2:3:4:5:6:7:8"),
                address("64:ff9b::c000:221")), p.targets());
        assertTrue(p.targets().get(0) instanceof Inet6Address);
    }

    @Test
    void boundaries() {
        assertEquals(16, supervision("path_targets = " + targets(16)).targets().size());
        PathSupervision low = supervision("path_targets = 10.0.1.100\npath_interval = 10\npath_missed = 1\npath_answered = 1");
        assertEquals(new PathSupervision(List.of(address("10.0.1.100")), 10, 1, 1), low);
        PathSupervision high = supervision("path_targets = 10.0.1.100\npath_interval = 60000\npath_missed = 255\n"
                + "path_answered = 255");
        assertEquals(new PathSupervision(List.of(address("10.0.1.100")), 60000, 255, 255), high);
    }

    @Test
    void everyBondingMode() {
        for (BondMode mode : BondMode.values()) {
            String text = VALID.replace("mode = active-backup", "mode = " + mode.kernelName())
                    .replace("miimon = 100\n", "miimon = 100\npath_targets = 10.0.1.100\n");
            assertEquals(List.of(), errors(text), mode.kernelName());
            assertTrue(load(text).config().bonds().get("bond0").supervised(), mode.kernelName());
        }
    }

    @Test
    void withTheArpMonitorSilently() {
        String text = VALID.replace("miimon = 100\n", "arp_interval = 500\narp_ip_target = 10.0.1.254\n"
                + "path_targets = 10.0.1.254, 10.0.1.253\n");
        assertEquals(List.of(), errors(text));
        assertEquals(List.of(), warnings(text));
    }

    @Test
    void bondWithoutAddressProbesAnyIpv4Target() {
        String text = paths("path_targets = 192.168.7.1").replace("address = 10.0.1.1/24\n", "");
        assertEquals(List.of(), errors(text));
        assertEquals(List.of(), warnings(text));
    }

    @Test
    void ipv4LinkLocalIsAHostLikeAnother() {
        String text = paths("path_targets = 169.254.1.1").replace("address = 10.0.1.1/24", "address = 169.254.1.2/16");
        assertEquals(List.of(address("169.254.1.1")), assertValid(text).bonds().get("bond0").paths().targets());
    }

    // --- Targets that are not addresses ------------------------------------------------------

    @Test
    void notAnIpAddress() {
        assertTargetError("10.0.1.x", "path_targets 10.0.1.x is not an IP address: write an IPv4 address"
                + " (e.g. 10.0.1.100) or an IPv6 address (e.g. fd00:1::100)");
        assertTargetError("10.0.1", "path_targets 10.0.1 is not an IPv4 address: write four numbers 0..255"
                + " separated by dots, e.g. 10.0.1.1");
        assertTargetError("10.0.1.256", "path_targets 10.0.1.256 is not an IPv4 address: write four numbers"
                + " 0..255 separated by dots, e.g. 10.0.1.1");
        assertTargetError("10.0.01.100", "path_targets 10.0.01.100 has a leading zero, which some tools read"
                + " as octal: write 10.0.1.100");
        assertTargetError("-", "path_targets - is not an IP address: write an IPv4 address (e.g. 10.0.1.100)"
                + " or an IPv6 address (e.g. fd00:1::100)");
    }

    @Test
    void notAnIpv6Address() {
        String shape = "write eight groups of up to four hex digits separated by colons, with :: once for a"
                + " run of zero groups, e.g. fd00:1::100";
        assertTargetError("fd00:::1", "path_targets fd00:::1 is not an IPv6 address: " + shape);
        assertTargetError("fd00:1:2:3:4:5:6:7:8", "path_targets fd00:1:2:3:4:5:6:7:8 is not an IPv6 address: " + shape);
        assertTargetError("fd00:1:2:3:4:5:6", "path_targets fd00:1:2:3:4:5:6 is not an IPv6 address: " + shape);
        assertTargetError("fd00::12345", "path_targets fd00::12345 is not an IPv6 address: " + shape);
        assertTargetError("fd00::g1", "path_targets fd00::g1 is not an IPv6 address: " + shape);
        assertTargetError("fd00::1:", "path_targets fd00::1: is not an IPv6 address: " + shape);
        assertTargetError("fd00::1.2.3", "path_targets fd00::1.2.3 is not an IPv6 address: " + shape);
        assertTargetError("1.2.3.4::1", "path_targets 1.2.3.4::1 is not an IPv6 address: " + shape);
        assertTargetError("fd00::1::2", "path_targets fd00::1::2 has :: twice, which makes it ambiguous: " + shape);
    }

    @Test
    void hostNamesAreNotResolved() {
        String why = " is a host name: had resolves no names (a failover must not wait for DNS); write the"
                + " target's IP address";
        assertTargetError("gateway", "path_targets gateway" + why);
        assertTargetError("gw-a.lab.example.com", "path_targets gw-a.lab.example.com" + why);
        assertTargetError("10.0.1.100, router1.lab", "path_targets router1.lab" + why);
    }

    @Test
    void prefixBracketsAndZones() {
        assertTargetError("10.0.1.100/24", "path_targets 10.0.1.100/24 has a prefix: a target is one host; write 10.0.1.100");
        assertTargetError("fd00:1::100/64", "path_targets fd00:1::100/64 has a prefix: a target is one host; write fd00:1::100");
        assertTargetError("[fd00:1::100]", "path_targets [fd00:1::100] is in brackets: write the address alone, fd00:1::100");
        assertTargetError("fd00:1::100%eth0", "path_targets fd00:1::100%eth0 has a zone (%eth0), which only a"
                + " link-local address takes: write fd00:1::100");
        assertTargetError("/24", "path_targets /24 is not an IP address: write an IPv4 address (e.g. 10.0.1.100)"
                + " or an IPv6 address (e.g. fd00:1::100)");
        // What is wrong with the address itself comes first.
        assertTargetError("10.0.1.1/24", "path_targets 10.0.1.1 is bond0's own address: bond0 would probe"
                + " itself; write the address of another host on its link, e.g. the gateway");
    }

    // --- The list ----------------------------------------------------------------------------

    @Test
    void emptyElement() {
        assertTargetError("10.0.0.1,,10.0.0.2", "path_targets = 10.0.0.1,,10.0.0.2 has an empty item: separate"
                + " values with single commas, e.g. path_targets = a, b");
        assertTargetError("10.0.1.100,", "path_targets = 10.0.1.100, has an empty item: separate values with"
                + " single commas, e.g. path_targets = a, b");
    }

    @Test
    void spacesInsteadOfCommas() {
        assertTargetError("10.0.1.100 10.0.1.101, fd00:1::100", "path_targets 10.0.1.100 10.0.1.101 is not one"
                + " address: separate the targets with commas, e.g. path_targets = 10.0.1.100, fd00:1::100");
    }

    @Test
    void duplicateTarget() {
        assertTargetError("10.0.1.100, 10.0.1.101, 10.0.1.100", "path_targets lists 10.0.1.100 twice: list each target once");
        assertTargetError("fd00:1::100, FD00:1:0:0::100", "path_targets lists fd00:1::100 twice (also as"
                + " FD00:1:0:0::100): list each target once");
    }

    @Test
    void moreThanSixteenTargets() {
        assertTargetError(targets(17), "path_targets lists 17 addresses: had probes at most 16 targets per bond;"
                + " keep the most useful ones");
    }

    @Test
    void everyBadTargetIsReported() {
        assertErrors(paths("path_targets = 127.0.0.1, 10.0.1.100, gateway, 10.0.1.100"),
                "had.conf:5: path_targets 127.0.0.1 is a loopback address: a probe must leave through the port;"
                        + " write the address of a host on bond0's link, e.g. the gateway",
                "had.conf:5: path_targets gateway is a host name: had resolves no names (a failover must not"
                        + " wait for DNS); write the target's IP address",
                "had.conf:5: path_targets lists 10.0.1.100 twice: list each target once");
    }

    // --- Addresses no single host answers for -----------------------------------------------

    @Test
    void unspecified() {
        assertTargetError("0.0.0.0", "path_targets 0.0.0.0 is the unspecified address, which no host has:"
                + " write the address of a host on bond0's link, e.g. the gateway");
        assertTargetError("0.1.2.3", "path_targets 0.1.2.3 is in 0.0.0.0/8, which no host has: write the"
                + " address of a host on bond0's link, e.g. the gateway");
        assertTargetError("::", "path_targets :: is the unspecified address, which no host has: write the"
                + " address of a host on bond0's link, e.g. the gateway");
        assertTargetError("0:0:0:0:0:0:0:0", "path_targets 0:0:0:0:0:0:0:0 is the unspecified address, which"
                + " no host has: write the address of a host on bond0's link, e.g. the gateway");
    }

    @Test
    void loopback() {
        assertTargetError("127.0.0.1", "path_targets 127.0.0.1 is a loopback address: a probe must leave"
                + " through the port; write the address of a host on bond0's link, e.g. the gateway");
        assertTargetError("127.1.2.3", "path_targets 127.1.2.3 is a loopback address: a probe must leave"
                + " through the port; write the address of a host on bond0's link, e.g. the gateway");
        assertTargetError("::1", "path_targets ::1 is the loopback address: a probe must leave through the"
                + " port; write the address of a host on bond0's link, e.g. the gateway");
    }

    @Test
    void multicast() {
        String one = ": a probe asks one host; write the unicast address of a host on bond0's link, e.g. the gateway";
        assertTargetError("224.0.0.1", "path_targets 224.0.0.1 is a multicast address" + one);
        assertTargetError("239.255.255.250", "path_targets 239.255.255.250 is a multicast address" + one);
        assertTargetError("ff02::1", "path_targets ff02::1 is a multicast address" + one);
        assertTargetError("ff02::1:ff00:100", "path_targets ff02::1:ff00:100 is a multicast address" + one);
    }

    @Test
    void broadcastAndReserved() {
        String one = ": a probe asks one host; write the unicast address of a host on bond0's link, e.g. the gateway";
        assertTargetError("255.255.255.255", "path_targets 255.255.255.255 is the broadcast address" + one);
        assertTargetError("10.0.1.255", "path_targets 10.0.1.255 is the broadcast address of bond0's subnet"
                + " 10.0.1.0/24" + one);
        assertTargetError("240.0.0.1", "path_targets 240.0.0.1 is in the reserved block 240.0.0.0/4, which no"
                + " host has: write the address of a host on bond0's link, e.g. the gateway");
        assertTargetError("10.0.1.0", "path_targets 10.0.1.0 is the network address of bond0's subnet"
                + " 10.0.1.0/24, which no host has: write the address of a host on bond0's link, e.g. the gateway");
    }

    @Test
    void broadcastOfASecondarySubnet() {
        String text = paths("path_targets = 10.0.5.127").replace("address = 10.0.1.1/24", "address = 10.0.1.1/24, 10.0.5.1/25");
        assertErrors(text, "had.conf:5: path_targets 10.0.5.127 is the broadcast address of bond0's subnet"
                + " 10.0.5.0/25: a probe asks one host; write the unicast address of a host on bond0's link,"
                + " e.g. the gateway");
    }

    @Test
    void pointToPointSubnetsHaveNoBroadcastToRefuse() {
        String text = paths("path_targets = 10.0.1.0").replace("address = 10.0.1.1/24", "address = 10.0.1.1/31");
        assertEquals(List.of(), errors(text));
    }

    @Test
    void ipv4MappedAndCompatibleIpv6() {
        assertTargetError("::ffff:10.0.1.100", "path_targets ::ffff:10.0.1.100 is an IPv4-mapped IPv6 address,"
                + " which exists only inside a host's socket interface, never on a link: write the IPv4 address"
                + " itself, 10.0.1.100");
        assertTargetError("::ffff:a00:164", "path_targets ::ffff:a00:164 is an IPv4-mapped IPv6 address, which"
                + " exists only inside a host's socket interface, never on a link: write the IPv4 address itself,"
                + " 10.0.1.100");
        assertTargetError("::10.0.1.100", "path_targets ::10.0.1.100 is an IPv4-compatible IPv6 address,"
                + " deprecated and used on no link: write the IPv4 address itself, 10.0.1.100");
    }

    @Test
    void ipv6LinkLocal() {
        String why = " is a link-local IPv6 address: it names a host only together with a link, and had cannot"
                + " name one (the bond's ports come and go with their cards and may be on different switches);"
                + " write a global or unique local address of the target, e.g. fd00:1::100";
        assertTargetError("fe80::1", "path_targets fe80::1" + why);
        assertTargetError("FEBF:0:0:0:0:0:0:1", "path_targets FEBF:0:0:0:0:0:0:1" + why);
        assertTargetError("fe80::1%eth0", "path_targets fe80::1%eth0" + why);
        // fec0::/10 is next to fe80::/10 and is not link-local.
        assertEquals(List.of(address("fec0::1")), supervision("path_targets = fec0::1").targets());
    }

    // --- Contradictions with the rest of had.conf --------------------------------------------

    @Test
    void theBondsOwnAddress() {
        assertTargetError("10.0.1.100, 10.0.1.1", "path_targets 10.0.1.1 is bond0's own address: bond0 would"
                + " probe itself; write the address of another host on its link, e.g. the gateway");
    }

    @Test
    void theBondsSecondaryAddress() {
        String text = paths("path_targets = 10.0.5.1").replace("address = 10.0.1.1/24", "address = 10.0.1.1/24, 10.0.5.1/24");
        assertErrors(text, "had.conf:5: path_targets 10.0.5.1 is bond0's own address: bond0 would probe itself;"
                + " write the address of another host on its link, e.g. the gateway");
    }

    @Test
    void anAddressOfAPortConfig() {
        assertErrors(paths("path_targets = 10.0.2.1"), "had.conf:5: path_targets 10.0.2.1 is the address of"
                + " config plain (line 9), which had puts on this chassis: the chassis would answer its own"
                + " probes; write the address of a host on bond0's link, e.g. the gateway");
    }

    @Test
    void anAddressOfAnotherBond() {
        String text = VALID.replace("[config slave]", "path_targets = 10.0.1.100, 10.0.3.1\n[bond bond1]\n"
                + "address = 10.0.3.1/24\nmode = active-backup\n[config slave]");
        assertErrors(text, "had.conf:5: path_targets 10.0.3.1 is the address of bond bond1 (line 7), which had"
                + " puts on this chassis: the chassis would answer its own probes; write the address of a host"
                + " on bond0's link, e.g. the gateway");
    }

    @Test
    void outsideTheBondsSubnetsIsAWarning() {
        String text = paths("path_targets = 10.0.1.100, 192.168.5.1");
        assertEquals(List.of(), errors(text));
        assertEquals(List.of("had.conf:5: path_targets 192.168.5.1 is outside bond0's subnet 10.0.1.0/24: the"
                + " probes are ARP requests, answered only by a host on the bond's own link; unless 192.168.5.1"
                + " is there, every path of bond0 will be down"), warnings(text));
        String two = text.replace("address = 10.0.1.1/24", "address = 10.0.1.1/24, 10.0.5.1/24");
        assertEquals(List.of("had.conf:5: path_targets 192.168.5.1 is outside bond0's subnets 10.0.1.0/24,"
                + " 10.0.5.0/24: the probes are ARP requests, answered only by a host on the bond's own link;"
                + " unless 192.168.5.1 is there, every path of bond0 will be down"), warnings(two));
    }

    // --- path_interval, path_missed, path_answered -------------------------------------------

    @Test
    void intervalOutOfRange() {
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 9"),
                "had.conf:6: path_interval = 9 is out of range: use 10..60000 (milliseconds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 60001"),
                "had.conf:6: path_interval = 60001 is out of range: use 10..60000 (milliseconds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 0"),
                "had.conf:6: path_interval = 0 is out of range: use 10..60000 (milliseconds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 99999999999999"),
                "had.conf:6: path_interval = 99999999999999 is out of range: use 10..60000 (milliseconds)");
    }

    @Test
    void intervalWithAUnitOrNotANumber() {
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 20ms"), "had.conf:6: path_interval = 20ms"
                + " is not a whole number: write the number of milliseconds alone, e.g. path_interval = 20");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 1s"), "had.conf:6: path_interval = 1s"
                + " is not a whole number: write the number of milliseconds alone, e.g. path_interval = 1000");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = fast"), "had.conf:6: path_interval = fast"
                + " is not a whole number: write a plain decimal number of milliseconds, e.g. path_interval = 100");
        assertErrors(paths("path_targets = 10.0.1.100\npath_interval = 0x10"), "had.conf:6: path_interval = 0x10"
                + " is not a whole number: write a plain decimal number of milliseconds, e.g. path_interval = 100");
    }

    @Test
    void countsOutOfRangeOrNotANumber() {
        assertErrors(paths("path_targets = 10.0.1.100\npath_missed = 0"),
                "had.conf:6: path_missed = 0 is out of range: use 1..255 (rounds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_missed = 256"),
                "had.conf:6: path_missed = 256 is out of range: use 1..255 (rounds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_answered = 0"),
                "had.conf:6: path_answered = 0 is out of range: use 1..255 (rounds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_answered = 1000"),
                "had.conf:6: path_answered = 1000 is out of range: use 1..255 (rounds)");
        assertErrors(paths("path_targets = 10.0.1.100\npath_missed = three"), "had.conf:6: path_missed = three"
                + " is not a whole number: write a plain decimal number of rounds, e.g. path_missed = 3");
        assertErrors(paths("path_targets = 10.0.1.100\npath_answered = 2.5"), "had.conf:6: path_answered = 2.5"
                + " is not a whole number: write a plain decimal number of rounds, e.g. path_answered = 2");
    }

    @Test
    void keysWithoutPathTargets() {
        String needs = " without path_targets: bond0's paths are not supervised, so it has no effect; add"
                + " path_targets = ADDRESS[, ADDRESS...] (up to 16, e.g. the gateway), or remove ";
        assertErrors(paths("path_interval = 20"), "had.conf:5: path_interval" + needs + "path_interval");
        assertErrors(paths("path_missed = 3\npath_answered = 2"),
                "had.conf:5: path_missed" + needs + "path_missed",
                "had.conf:6: path_answered" + needs + "path_answered");
        // A bad value is reported as well: both need fixing.
        assertErrors(paths("path_interval = 5"),
                "had.conf:5: path_interval = 5 is out of range: use 10..60000 (milliseconds)",
                "had.conf:5: path_interval" + needs + "path_interval");
    }

    @Test
    void pathTargetsWithoutAValueIsReportedOnce() {
        assertErrors(paths("path_targets =\npath_interval = 20"),
                "had.conf:5: path_targets has no value: write path_targets = VALUE, or remove the line");
    }

    @Test
    void pathTargetsTwice() {
        assertErrors(paths("path_targets = 10.0.1.100\npath_targets = 10.0.1.101"), "had.conf:6: duplicate key"
                + " 'path_targets' in [bond bond0]: it is already set at line 5; keep one of the two");
    }

    // --- Keys ---------------------------------------------------------------------------------

    @Test
    void misspelledKeysSuggestTheRightOnes() {
        assertErrors(paths("path_target = 10.0.1.100"),
                "had.conf:5: unknown key 'path_target' in [bond bond0]: did you mean 'path_targets'?");
        assertErrors(paths("path_targets = 10.0.1.100\npath-interval = 20"),
                "had.conf:6: unknown key 'path-interval' in [bond bond0]: did you mean 'path_interval'?");
        assertErrors(paths("path_targets = 10.0.1.100\npath_miss = 3"),
                "had.conf:6: unknown key 'path_miss' in [bond bond0]: did you mean 'path_missed'?");
        assertErrors(paths("path_targets = 10.0.1.100\npath_answer = 2"),
                "had.conf:6: unknown key 'path_answer' in [bond bond0]: did you mean 'path_answered'?");
    }

    @Test
    void pathKeysBelongToBonds() {
        assertErrors(VALID.replace("[config plain]\n", "[config plain]\npath_targets = 10.0.2.254\n"),
                "had.conf:8: key 'path_targets' does not belong in [config plain]: it is a [bond NAME] key");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
