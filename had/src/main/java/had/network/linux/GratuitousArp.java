package had.network.linux;

import java.net.Inet4Address;

/**
 * The frame that tells a LAN where an IPv4 address lives now: an ARP announcement (RFC 5227,
 * section 2.3), an ARP request broadcast with the sender's address as both sender and target and
 * no target hardware address, as {@code arping -U} sends it. A learning switch moves the sender's
 * MAC address to the port the frame arrived on; hosts that know the address update their cache.
 */
final class GratuitousArp {
    static final int LENGTH = 42;
    private static final int ETH_P_ARP = 0x0806;
    private static final int ETH_P_IP = 0x0800;
    private static final int ARPHRD_ETHER = 1;
    private static final int ARPOP_REQUEST = 1;

    private GratuitousArp() {
    }

    /** The whole Ethernet frame from {@code mac} announcing {@code address}. */
    static byte[] frame(byte[] mac, Inet4Address address) {
        if (mac.length != 6) throw new IllegalArgumentException("not an Ethernet address: " + mac.length + " bytes");
        byte[] ip = address.getAddress();
        byte[] f = new byte[LENGTH];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        System.arraycopy(mac, 0, f, 6, 6);
        put16(f, 12, ETH_P_ARP);
        put16(f, 14, ARPHRD_ETHER);
        put16(f, 16, ETH_P_IP);
        f[18] = 6;
        f[19] = 4;
        put16(f, 20, ARPOP_REQUEST);
        System.arraycopy(mac, 0, f, 22, 6);
        System.arraycopy(ip, 0, f, 28, 4);
        // target hardware address (32..37) stays zero: unknown, as in any request
        System.arraycopy(ip, 0, f, 38, 4);
        return f;
    }

    /** "00:1b:21:0a:0b:0c", as sysfs gives an interface's address. */
    static byte[] mac(String text) {
        String[] parts = text.strip().split(":");
        if (parts.length != 6) throw new IllegalArgumentException("not an Ethernet address: " + text);
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) throw new IllegalArgumentException("not an Ethernet address: " + text);
            mac[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return mac;
    }

    private static void put16(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }
}
