package had.network.linux;

import had.network.IfAddress;
import had.os.NetlinkSocket;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rtnetlink messages had sends, built as iproute2 builds them for the same commands, and the
 * address dump it reads back. Bytes only: no socket here (see {@link KernelRtnetlink}).
 * Layouts from linux/rtnetlink.h, if_link.h, if_addr.h; host byte order, 4-byte alignment.
 */
final class RtnlMessages {
    static final short RTM_NEWLINK = 16;
    static final short RTM_DELLINK = 17;
    static final short RTM_GETLINK = 18;
    static final short RTM_NEWADDR = 20;
    static final short RTM_DELADDR = 21;
    static final short RTM_GETADDR = 22;

    static final int IFF_UP = 0x1;
    private static final byte AF_UNSPEC = 0;
    private static final byte AF_INET = 2;

    static final short IFLA_IFNAME = 3;
    static final short IFLA_MTU = 4;
    static final short IFLA_LINK = 5;
    static final short IFLA_LINKINFO = 18;
    static final short IFLA_INFO_KIND = 1;
    static final short IFLA_INFO_DATA = 2;
    static final short IFLA_VLAN_ID = 1;
    private static final short IFLA_EXT_MASK = 29;
    private static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short IFA_BROADCAST = 4;

    static final int HDR = 16;
    static final int IFINFOMSG = 16;
    private static final int IFADDRMSG = 8;

    private RtnlMessages() {
    }

    /** ip link set dev INDEX up|down, and/or mtu N (null: leave as is). */
    static ByteBuffer setLink(int index, Boolean up, Integer mtu) {
        Message m = new Message(RTM_NEWLINK, (short) 0).ifinfo(AF_UNSPEC, index,
                up != null && up ? IFF_UP : 0, up != null ? IFF_UP : 0);
        if (mtu != null) m.u32(IFLA_MTU, mtu);
        return m.done();
    }

    /** ip link add link PARENT name NAME type vlan id VID */
    static ByteBuffer newVlan(int parentIndex, String name, int vid) {
        Message m = new Message(RTM_NEWLINK, (short) (NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL)).ifinfo(AF_UNSPEC, 0, 0, 0);
        m.u32(IFLA_LINK, parentIndex);
        m.string(IFLA_IFNAME, name);
        int info = m.begin(IFLA_LINKINFO);
        m.string(IFLA_INFO_KIND, "vlan");
        int data = m.begin(IFLA_INFO_DATA);
        m.u16(IFLA_VLAN_ID, vid);
        m.end(data);
        m.end(info);
        return m.done();
    }

    /** ip link del dev INDEX */
    static ByteBuffer delLink(int index) {
        return new Message(RTM_DELLINK, (short) 0).ifinfo(AF_UNSPEC, index, 0, 0).done();
    }

    /** ip addr add A/LEN [broadcast B] dev INDEX: refused with EEXIST when present, as ip's is. */
    static ByteBuffer newAddr(int index, IfAddress a) {
        Message m = new Message(RTM_NEWADDR, (short) (NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL)).ifaddr(index, a.prefix());
        m.bytes(IFA_LOCAL, a.address().getAddress());
        m.bytes(IFA_ADDRESS, a.address().getAddress());
        if (a.broadcast() != null) m.bytes(IFA_BROADCAST, a.broadcast().getAddress());
        return m.done();
    }

    /** ip addr del A/LEN dev INDEX */
    static ByteBuffer delAddr(int index, IfAddress a) {
        Message m = new Message(RTM_DELADDR, (short) 0).ifaddr(index, a.prefix());
        m.bytes(IFA_LOCAL, a.address().getAddress());
        m.bytes(IFA_ADDRESS, a.address().getAddress());
        return m.done();
    }

    /** ip -d link show, as a dump request; without the counters, which had does not read (older kernels ignore the mask). */
    static ByteBuffer getLinks() {
        return getLink(0); // index 0: every link (NetlinkSocket.dump marks it a dump)
    }

    /** ip link show dev INDEX: the one link, with its bond or bond-slave state. */
    static ByteBuffer getLink(int index) {
        Message m = new Message(RTM_GETLINK, (short) 0).ifinfo(AF_UNSPEC, index, 0, 0);
        m.u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        return m.done();
    }

    /** ip -4 addr show, as a dump request. */
    static ByteBuffer getAddrs() {
        return new Message(RTM_GETADDR, (short) 0).ifaddr(0, 0).done();
    }

    /** A dump's RTM_NEWADDR messages: the IPv4 addresses of each interface index, in the kernel's order. */
    static Map<Integer, List<IfAddress>> parseAddrs(List<ByteBuffer> messages) {
        Map<Integer, List<IfAddress>> byIndex = new LinkedHashMap<>();
        for (ByteBuffer raw : messages) {
            ByteBuffer b = raw.duplicate().order(ByteOrder.nativeOrder());
            if (b.getShort(4) != RTM_NEWADDR || b.limit() < HDR + IFADDRMSG || b.get(HDR) != AF_INET) continue;
            int prefix = Byte.toUnsignedInt(b.get(HDR + 1));
            int index = b.getInt(HDR + 4);
            NetlinkAttrs a = NetlinkAttrs.of(b, HDR + IFADDRMSG, b.limit());
            Inet4Address local = a.ipv4(IFA_LOCAL), address = a.ipv4(IFA_ADDRESS), broadcast = a.ipv4(IFA_BROADCAST);
            // IFA_LOCAL is the interface's own address; IFA_ADDRESS differs from it only on point-to-point links.
            Inet4Address own = local != null ? local : address;
            if (own == null) continue;
            byIndex.computeIfAbsent(index, i -> new ArrayList<>()).add(new IfAddress(own, prefix, broadcast));
        }
        return byIndex;
    }


    /** One request being written: header, family header, attributes (nested ones closed by end()). */
    private static final class Message {
        private final ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

        Message(short type, short flags) {
            b.putInt(0).putShort(type).putShort(flags).putInt(0).putInt(0);
        }

        Message ifinfo(byte family, int index, int flags, int change) {
            b.put(family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
            return this;
        }

        Message ifaddr(int index, int prefix) {
            b.put(AF_INET).put((byte) prefix).put((byte) 0).put((byte) 0).putInt(index);
            return this;
        }

        void u32(short type, int v) {
            b.putShort((short) 8).putShort(type).putInt(v);
        }

        void u16(short type, int v) {
            b.putShort((short) 6).putShort(type).putShort((short) v);
            pad();
        }

        void bytes(short type, byte[] v) {
            b.putShort((short) (4 + v.length)).putShort(type).put(v);
            pad();
        }

        void string(short type, String s) {
            byte[] v = s.getBytes(StandardCharsets.US_ASCII);
            b.putShort((short) (5 + v.length)).putShort(type).put(v).put((byte) 0);
            pad();
        }

        int begin(short type) {
            int at = b.position();
            b.putShort((short) 0).putShort(type);
            return at;
        }

        void end(int at) {
            b.putShort(at, (short) (b.position() - at));
        }

        private void pad() {
            while ((b.position() & 3) != 0) b.put((byte) 0);
        }

        ByteBuffer done() {
            b.putInt(0, b.position());
            b.flip();
            return b;
        }
    }
}
