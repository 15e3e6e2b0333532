package had.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 address with its prefix and broadcast, as it is set on an interface. */
public record IfAddress(Inet4Address address, int prefix, Inet4Address broadcast) {
    public IfAddress {
        if (prefix < 0 || prefix > 32) throw new IllegalArgumentException("prefix out of range: " + prefix);
        if (broadcast == null) broadcast = defaultBroadcast(address, prefix);
    }

    public IfAddress(Inet4Address address, int prefix) {
        this(address, prefix, null);
    }

    public static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    public static Inet4Address fromInt(int v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public Inet4Address network() {
        return fromInt(toInt(address) & mask(prefix));
    }

    private static Inet4Address defaultBroadcast(Inet4Address address, int prefix) {
        return prefix >= 31 ? null : fromInt(toInt(address) | ~mask(prefix));
    }

    /** "10.0.1.1/24", the form iproute2 prints and accepts. */
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
