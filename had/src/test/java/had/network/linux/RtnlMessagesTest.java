package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import had.network.IfAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes, checked against linux/rtnetlink.h's layouts by hand (x86-64, little-endian). */
class RtnlMessagesTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HEX.formatHex(a);
    }

    private static IfAddress addr(int a, int prefix) {
        return new IfAddress(IfAddress.fromInt(a), prefix);
    }

    @Test
    void addressAddCarriesLocalAddressAndBroadcastAndRefusesADuplicate() {
        assertEquals(
                "30000000" + "1400" + "0006" + "00000000" + "00000000" // len 48, RTM_NEWADDR, CREATE|EXCL
                        + "02180000" + "07000000"                            // AF_INET, /24, index 7
                        + "08000200" + "0a000201"                            // IFA_LOCAL 10.0.2.1
                        + "08000100" + "0a000201"                            // IFA_ADDRESS
                        + "08000400" + "0a0002ff",                           // IFA_BROADCAST 10.0.2.255
                hex(RtnlMessages.newAddr(7, addr(0x0a000201, 24))));
        // A /31 has no broadcast (RFC 3021)
        assertEquals(40, RtnlMessages.newAddr(7, addr(0x0a000301, 31)).remaining());
        assertEquals("2800000015000000", hex(RtnlMessages.delAddr(7, addr(0x0a000201, 24))).substring(0, 16));
    }

    @Test
    void linkChangesSayWhichFlagChanges() {
        assertEquals("20000000" + "1000" + "0000" + "0000000000000000"
                + "00000000" + "03000000" + "01000000" + "01000000", hex(RtnlMessages.setLink(3, true, null)));
        assertEquals("00000000" + "03000000" + "00000000" + "01000000",
                hex(RtnlMessages.setLink(3, false, null)).substring(32, 64));
        // MTU only: no flag in ifi_change, so the link's up/down state is left alone
        assertEquals("03000000" + "00000000" + "00000000" + "08000400" + "28230000",
                hex(RtnlMessages.setLink(3, null, 9000)).substring(40));
        assertEquals("2000000011000000", hex(RtnlMessages.delLink(3)).substring(0, 16));
    }

    @Test
    void aVlanIsAnIfnameAParentAndNestedLinkInfo() {
        assertEquals("54000000" + "1000" + "0006" + "0000000000000000"
                + "00000000" + "00000000" + "00000000" + "00000000" // ifinfomsg: new link, no index
                + "08000500" + "02000000"                          // IFLA_LINK 2
                + "0d000300" + "657468322e32353300" + "000000"    // IFLA_IFNAME "eth2.253", padded
                + "1c001200"                                       // IFLA_LINKINFO, 28 bytes
                + "09000100" + "766c616e00" + "000000"            //   IFLA_INFO_KIND "vlan"
                + "0c000200"                                       //   IFLA_INFO_DATA, 12 bytes
                + "06000100" + "fd00" + "0000",                    //     IFLA_VLAN_ID 253
                hex(RtnlMessages.newVlan(2, "eth2.253", 253)));
    }

    @Test
    void theAddressDumpGivesEachInterfacesIpv4AddressesAndSkipsTheRest() {
        ByteBuffer v4 = message(20, "02180080" + "05000000" + "08000100" + "0a000101" + "08000200" + "0a000101"
                + "08000400" + "0a0001ff" + "0a000300" + "626f6e643000" + "0000");
        ByteBuffer p2p = message(20, "02200080" + "06000000" + "08000200" + "0a000901" + "08000100" + "0a000902");
        ByteBuffer v6 = message(20, "0a400080" + "05000000" + "14000100" + "fe800000000000000000000000000001");
        ByteBuffer link = message(16, "00000000" + "05000000" + "00000000" + "00000000");
        Map<Integer, List<IfAddress>> got = RtnlMessages.parseAddrs(List.of(v4, v6, link, p2p));
        assertEquals(Map.of(5, List.of(new IfAddress(IfAddress.fromInt(0x0a000101), 24, IfAddress.fromInt(0x0a0001ff))),
                6, List.of(new IfAddress(IfAddress.fromInt(0x0a000901), 32))), got);
    }

    private static ByteBuffer message(int type, String body) {
        byte[] b = HEX.parseHex(body);
        ByteBuffer m = ByteBuffer.allocate(16 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(16 + b.length).putShort((short) type).putShort((short) 2).putInt(1).putInt(0).put(b).flip();
        return m;
    }
}
