package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An RTM_GETLINK dump as Linux 6.1 writes it (rtnl_fill_ifinfo, bond_fill_info,
 * bond_fill_slave_info, vlan_fill_info: attributes had does not read included, in the kernel's
 * order), decoded into what {@link LinuxNetwork#read()} needs.
 */
class KernelLinkTest {
    /** Writes one netlink message the way the kernel lays it out: host order, 4-byte aligned attributes. */
    private static final class Msg {
        final ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        final Deque<Integer> open = new ArrayDeque<>();

        Msg(int index, int flags) {
            b.putInt(0).putShort(RtnlMessages.RTM_NEWLINK).putShort((short) 2).putInt(1).putInt(0);
            b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0);
        }

        Msg u8(int type, int v) {
            b.putShort((short) 5).putShort((short) type).put((byte) v);
            return pad();
        }

        Msg u16(int type, int v) {
            b.putShort((short) 6).putShort((short) type).putShort((short) v);
            return pad();
        }

        Msg u32(int type, int v) {
            b.putShort((short) 8).putShort((short) type).putInt(v);
            return this;
        }

        Msg be32(int type, int v) {
            b.putShort((short) 8).putShort((short) type).order(ByteOrder.BIG_ENDIAN).putInt(v).order(ByteOrder.nativeOrder());
            return this;
        }

        Msg str(int type, String s) {
            byte[] v = s.getBytes(StandardCharsets.US_ASCII);
            b.putShort((short) (5 + v.length)).putShort((short) type).put(v).put((byte) 0);
            return pad();
        }

        Msg begin(int type) {
            open.push(b.position());
            b.putShort((short) 0).putShort((short) (type | 0x8000)); // NLA_F_NESTED, as the kernel sets it
            return this;
        }

        Msg end() {
            int at = open.pop();
            b.putShort(at, (short) (b.position() - at));
            return this;
        }

        private Msg pad() {
            while ((b.position() & 3) != 0) b.put((byte) 0);
            return this;
        }

        ByteBuffer done() {
            b.putInt(0, b.position());
            return b.flip();
        }
    }

    static ByteBuffer bond0() {
        return new Msg(7, 0x1403).str(3, "bond0").u32(13, 1000).u8(14, 0).u32(4, 1500).u32(10, 0).u8(33, 1)
                .begin(18).str(1, "bond")
                .begin(2).u8(1, 1).u32(2, 3).u32(3, 100).u32(4, 200).u32(5, 0).u32(28, 0).u8(6, 1).u32(7, 0)
                .begin(8).be32(0, 0x0a000009).be32(1, 0x0a00000a).end()
                .u32(9, 3).u32(10, 0).u32(11, 2).u8(12, 2).u8(13, 1).u8(14, 2).u32(15, 1).u8(16, 1).u8(17, 1)
                .u32(18, 1).u32(19, 1).u32(20, 1).u8(29, 1).u8(21, 1).u8(22, 0).u8(27, 1).u8(30, 2).end()
                .end().done();
    }

    static ByteBuffer slave(int index, String name, int miiStatus) {
        return new Msg(index, 0x1803).str(3, name).u32(4, 1500).u32(10, 7).u8(33, 1)
                .begin(18).str(4, "bond").begin(5).u8(1, 0).u8(2, miiStatus).u32(3, 1).u16(5, 0).end().end().done();
    }

    static ByteBuffer vlan() {
        return new Msg(9, 0x1003).str(3, "eth2.253").u32(4, 1500).u32(5, 4).u8(33, 0)
                .begin(18).str(1, "vlan").begin(2).u16(1, 253).end().end().done();
    }

    @Test
    void aBondItsSlavesAndAVlanAreReadFromOneDump() {
        List<KernelLink> links = KernelLink.parse(List.of(bond0(), slave(2, "eth0", 3), slave(3, "eth1", 0), vlan()));
        assertEquals(4, links.size());

        KernelLink bond = links.get(0);
        assertEquals(7, bond.index());
        assertEquals("bond0", bond.name());
        assertTrue(bond.up() && bond.carrier() && bond.ethernet());
        assertEquals(1500, bond.mtu());
        assertEquals("bond", bond.kind());
        assertEquals(BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.UPDELAY, 200)
                .with(BondOption.ARP_IP_TARGET, List.of(IfAddress.fromInt(0x0a000009), IfAddress.fromInt(0x0a00000a)))
                .with(BondOption.ARP_VALIDATE, ArpValidate.ALL).with(BondOption.PRIMARY_RESELECT, PrimaryReselect.FAILURE)
                .with(BondOption.LACP_RATE, LacpRate.FAST).with(BondOption.XMIT_HASH_POLICY, XmitHashPolicy.LAYER2_3)
                .with(BondOption.MIN_LINKS, 1).with(BondOption.FAIL_OVER_MAC, FailOverMac.ACTIVE),
                bond.bond().options());
        assertEquals(3, bond.bond().activeSlaveIndex());
        assertTrue(bond.bond().allSlavesActive());
        assertNull(bond.mii());

        KernelLink eth0 = links.get(1);
        assertEquals(7, eth0.masterIndex());
        assertEquals(MiiStatus.BACK, eth0.mii());
        assertNull(eth0.kind());
        assertNull(eth0.bond());
        assertEquals(MiiStatus.UP, links.get(2).mii());

        KernelLink vlan = links.get(3);
        assertEquals("vlan", vlan.kind());
        assertEquals(253, vlan.vlanId());
        assertEquals(4, vlan.lowerIndex());
        assertFalse(vlan.carrier());
        assertNull(vlan.mii());
    }

    @Test
    void otherMessagesAndTruncatedAttributesEndQuietly() {
        ByteBuffer done = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(20).putShort((short) 3)
                .putShort((short) 2).putInt(1).putInt(0).putInt(0).flip();
        ByteBuffer cut = bond0();
        cut.putShort(32 + 12, (short) 4000); // the attribute after the name claims more than the message holds
        List<KernelLink> links = KernelLink.parse(List.of(done, cut, slave(2, "eth0", 0)));
        assertEquals(List.of("bond0", "eth0"), links.stream().map(KernelLink::name).toList(),
                "the name came before the bad attribute; the next message is read as usual");
        assertNull(links.get(0).bond(), "nothing after the bad attribute is taken");
    }

    @Test
    void anyCorruptionOfADumpIsReadOrRefusedNeverThrownAtTheDaemon() {
        Random r = new Random(12);
        ByteBuffer whole = bond0();
        byte[] good = new byte[whole.remaining()];
        whole.get(good);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            for (int n = r.nextInt(4) + 1; n > 0; n--) bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            int length = r.nextInt(bad.length + 1);
            ByteBuffer m = ByteBuffer.wrap(bad, 0, length).slice().order(ByteOrder.nativeOrder());
            try {
                KernelLink.parse(List.of(m));
            } catch (NetworkException refused) {
                assertTrue(refused.getMessage().startsWith("the kernel reports "), refused.getMessage());
            }
        }
    }
}
