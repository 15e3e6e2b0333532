package had.os;

import java.io.IOException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Sends whole Ethernet frames out of one interface (AF_PACKET, SOCK_RAW), for the frames the
 * kernel will not send for had (a gratuitous ARP from a bond's address out of a chosen slave).
 * Needs CAP_NET_RAW. Receives nothing: the socket is opened with protocol 0 and bound to no
 * interface, each frame names its own. One socket serves every frame for the life of the process:
 * closing a packet socket waits for an RCU grace period (tens of ms on a slow machine), which would
 * otherwise hold up every action after an announcement.
 */
public final class PacketSocket {
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    /** struct sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]. */
    private static final int SOCKADDR_LL = 20;

    private final LibC c = LibC.get();
    private final Pointer sa = Memory.allocateDirect(Runtime.getSystemRuntime(), SOCKADDR_LL, true);
    private int fd = -1;

    /** Sends {@code frame} (destination, source and type included) out of {@code ifname}. */
    public synchronized void send(String ifname, byte[] frame) throws IOException {
        if (frame.length < 14) throw new IllegalArgumentException("not an Ethernet frame: " + frame.length + " bytes");
        int index = c.if_nametoindex(ifname);
        if (index == 0) throw new IOException(LibC.describe("if_nametoindex(" + ifname + ")"));
        if (fd < 0) {
            fd = c.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException(LibC.describe("socket(AF_PACKET)"));
        }
        sa.putShort(0, (short) AF_PACKET);
        // sll_protocol: the frame's own EtherType, in network order as the frame has it
        sa.putByte(2, frame[12]);
        sa.putByte(3, frame[13]);
        sa.putInt(4, index);
        sa.putByte(11, (byte) 6);
        for (int i = 0; i < 6; i++) sa.putByte(12 + i, frame[i]);
        Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), frame.length);
        buf.put(0, frame, 0, frame.length);
        long sent = c.sendto(fd, buf, frame.length, 0, sa, SOCKADDR_LL);
        if (sent != frame.length) throw new IOException(LibC.describe("sendto(" + ifname + ")"));
    }
}
