package had.network.linux;

import had.network.IfAddress;
import had.os.NetlinkSocket;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of a netlink message between two offsets, by type (the last of a type wins) and
 * in order: read as the kernel's nla_ok does, a truncated attribute ending the list. Nested
 * attributes are read the same way ({@link #nested}).
 */
final class NetlinkAttrs {
    private final ByteBuffer b;
    private final int[] at = new int[64];
    private final List<Integer> order = new ArrayList<>();

    private NetlinkAttrs(ByteBuffer b, int from, int to) {
        this.b = b;
        java.util.Arrays.fill(at, -1);
        for (int off = from; off + 4 <= to; ) {
            int len = Short.toUnsignedInt(b.getShort(off));
            if (len < 4 || off + len > to) break; // a truncated attribute ends the list, as the kernel's nla_ok does
            int type = b.getShort(off + 2) & 0x3fff;
            if (type < at.length) at[type] = off;
            order.add(off);
            off += NetlinkSocket.align(len);
        }
    }

    static NetlinkAttrs of(ByteBuffer b, int from, int to) {
        return new NetlinkAttrs(b, from, to);
    }

    private int payload(int type, int size) {
        int off = type < at.length ? at[type] : -1;
        return off >= 0 && Short.toUnsignedInt(b.getShort(off)) >= 4 + size ? off + 4 : -1;
    }

    int u8(int type, int otherwise) {
        int p = payload(type, 1);
        return p < 0 ? otherwise : Byte.toUnsignedInt(b.get(p));
    }

    int u16(int type, int otherwise) {
        int p = payload(type, 2);
        return p < 0 ? otherwise : Short.toUnsignedInt(b.getShort(p));
    }

    int u32(int type, int otherwise) {
        int p = payload(type, 4);
        return p < 0 ? otherwise : b.getInt(p);
    }

    String string(int type) {
        int p = payload(type, 1);
        if (p < 0) return null;
        int end = p - 4 + Short.toUnsignedInt(b.getShort(p - 4));
        int n = p;
        while (n < end && b.get(n) != 0) n++;
        byte[] v = new byte[n - p];
        b.get(p, v);
        return new String(v, StandardCharsets.UTF_8);
    }

    NetlinkAttrs nested(int type) {
        int p = payload(type, 0);
        return p < 0 ? null : new NetlinkAttrs(b, p, p - 4 + Short.toUnsignedInt(b.getShort(p - 4)));
    }

    /** Every attribute in order, for arrays such as the ARP targets (types 0, 1, 2...). */
    List<Integer> offsets() {
        return order;
    }

    /** The IPv4 address attribute of that type (network byte order), or null when absent or too short. */
    Inet4Address ipv4(int type) {
        int p = payload(type, 4);
        return p < 0 ? null : ipv4At(p - 4);
    }

    /** An IPv4 address attribute at an offset {@link #offsets()} gave (network byte order), or null if too short. */
    Inet4Address ipv4At(int off) {
        if (Short.toUnsignedInt(b.getShort(off)) < 8) return null;
        return IfAddress.fromInt(b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(off + 4));
    }
}
