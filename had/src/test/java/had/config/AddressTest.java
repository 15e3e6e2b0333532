package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import had.network.IfAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** address, netmask, network, broadcast; addresses used twice. */
class AddressTest extends ConfigTestSupport {

    private static String plain(String lines) {
        return VALID.replace("address = 10.0.2.1/24\n", lines + "\n");
    }

    @Test
    void seedStyleAddressWithNetmaskNetworkBroadcast() {
        ChassisConfig c = assertValid(plain("address = 10.0.2.1\nnetmask = 255.255.255.0\nnetwork = 10.0.2.0\nbroadcast = 10.0.2.255"));
        IfAddress a = c.configs().get("plain").address();
        assertEquals("10.0.2.1/24", a.toString());
        assertEquals("10.0.2.255", a.broadcast().getHostAddress());
        assertNull(c.configs().get("plain").bond());
    }

    @Test
    void notAnAddress() {
        assertErrors(plain("address = 10.0.2/24"), "had.conf:8: address 10.0.2 is not an IPv4 address:"
                + " write four numbers 0..255 separated by dots, e.g. 10.0.1.1");
        assertErrors(plain("address = 10.0.2.256/24"), "had.conf:8: address 10.0.2.256 is not an IPv4 address:"
                + " write four numbers 0..255 separated by dots, e.g. 10.0.1.1");
        assertErrors(plain("address = host.example/24"), "had.conf:8: address host.example is not an IPv4"
                + " address: write four numbers 0..255 separated by dots, e.g. 10.0.1.1");
    }

    @Test
    void leadingZero() {
        assertErrors(plain("address = 10.0.02.1/24"), "had.conf:8: address 10.0.02.1 has a leading zero,"
                + " which some tools read as octal: write 10.0.2.1");
    }

    @Test
    void notAHostAddress() {
        assertErrors(plain("address = 127.0.0.1/8"),
                "had.conf:8: address 127.0.0.1 is a loopback address: use an address of the chassis network");
        assertErrors(plain("address = 224.0.0.5/24"),
                "had.conf:8: address 224.0.0.5 is a multicast address: use a unicast host address");
        assertErrors(plain("address = 10.0.2.0/24"), "had.conf:8: address 10.0.2.0/24 is the network"
                + " address of its subnet: use a host address such as 10.0.2.1/24");
        assertErrors(plain("address = 10.0.2.255/24"), "had.conf:8: address 10.0.2.255/24 is the broadcast"
                + " address of its subnet: use a host address such as 10.0.2.254/24");
    }

    @Test
    void badPrefix() {
        assertErrors(plain("address = 10.0.2.1/33"), "had.conf:8: address 10.0.2.1/33 has a bad prefix: write"
                + " the prefix length 1..32 after the slash, e.g. 10.0.2.1/24");
        assertErrors(plain("address = 10.0.2.1/2x"), "had.conf:8: address 10.0.2.1/2x has a bad prefix: write"
                + " the prefix length 1..32 after the slash, e.g. 10.0.2.1/24");
    }

    @Test
    void noPrefix() {
        assertErrors(plain("address = 10.0.2.1"), "had.conf:8: address 10.0.2.1 has no prefix: write"
                + " 10.0.2.1/24 (for example), or add netmask = 255.255.255.0");
    }

    @Test
    void nonContiguousNetmask() {
        assertErrors(plain("address = 10.0.2.1\nnetmask = 255.255.0.255"), "had.conf:9: netmask"
                + " 255.255.0.255 is not contiguous (it must be ones then zeros): did you mean 255.255.0.0 (/16)?");
    }

    @Test
    void netmaskContradictsPrefix() {
        assertErrors(plain("address = 10.0.2.1/24\nnetmask = 255.255.0.0"), "had.conf:9: netmask"
                + " 255.255.0.0 (/16) contradicts address 10.0.2.1/24: give the prefix once, either /PREFIX or netmask");
    }

    @Test
    void networkContradictsAddress() {
        assertErrors(plain("address = 10.0.2.1\nnetmask = 255.255.255.0\nnetwork = 10.0.3.0"),
                "had.conf:10: network = 10.0.3.0 contradicts address 10.0.2.1/24, whose network is"
                        + " 10.0.2.0: correct it or remove the line (had derives it)");
    }

    @Test
    void broadcastContradictsAddress() {
        assertErrors(plain("address = 10.0.2.1\nnetmask = 255.255.0.0\nbroadcast = 10.0.2.255"),
                "had.conf:10: broadcast = 10.0.2.255 contradicts address 10.0.2.1/16, whose broadcast"
                        + " is 10.0.255.255: correct it or remove the line (had derives it)");
        assertErrors(plain("address = 10.0.2.1/32\nbroadcast = 10.0.2.255"), "had.conf:9: broadcast ="
                + " 10.0.2.255 contradicts address 10.0.2.1/32: a /32 has no broadcast address; remove the line");
    }

    @Test
    void netmaskWithoutAddress() {
        assertErrors(plain("netmask = 255.255.255.0"),
                "had.conf:7: [config plain] has neither address nor bond: add address = A.B.C.D/PREFIX"
                        + " for a plain port, or bond = NAME to enslave it",
                "had.conf:8: netmask without address in [config plain]: add address = A.B.C.D/PREFIX or remove netmask");
    }

    @Test
    void configWithTwoAddresses() {
        assertErrors(plain("address = 10.0.2.1/24, 10.0.2.2/24"), "had.conf:8: [config plain] has 2"
                + " addresses: a port config has one (put secondary addresses on a bond)");
    }

    @Test
    void bondWithSecondaryAddresses() {
        ChassisConfig c = assertValid(VALID.replace("address = 10.0.1.1/24", "address = 10.0.1.1/24, 10.0.5.1/24"));
        assertEquals(2, c.bonds().get("bond0").addresses().size());
    }

    @Test
    void sameAddressTwice() {
        assertErrors(plain("address = 10.0.1.1/24"), "had.conf:8: address 10.0.1.1 of config plain is"
                + " already used by bond bond0 (line 2): every interface needs its own address");
    }

    @Test
    void overlappingSubnetsAreAWarning() {
        String text = plain("address = 10.0.1.7/16");
        assertEquals(List.of(), errors(text));
        assertEquals(List.of("had.conf:8: address 10.0.1.7/16 of config plain is on the same subnet as"
                + " 10.0.1.1/24 of bond bond0 (line 2): the kernel routes that subnet through one of them only"), warnings(text));
    }

    @Test
    void portConfigWithAddressAndBond() {
        assertErrors(VALID.replace("bond = bond0", "bond = bond0\naddress = 10.0.7.1/24"),
                "had.conf:6: [config slave] has both an address and bond = bond0: an enslaved port has"
                        + " no address of its own (put it on the bond); remove one of the two");
    }

    @Test
    void emptyPortConfig() {
        assertErrors(VALID + "[config nothing]\n", "had.conf:14: [config nothing] has neither address nor"
                + " bond: add address = A.B.C.D/PREFIX for a plain port, or bond = NAME to enslave it");
    }

    @Test
    void plainConfigOnTwoPortsIsOneAddressTwice() {
        assertErrors(VALID + "1 = plain\n", "had.conf:14: config plain (address 10.0.2.1/24) is used by"
                + " slot 2 port 1 and slot 12 port 1: one address cannot be on two ports; give each port"
                + " its own config, or bond the ports and put the address on the bond");
    }
}
