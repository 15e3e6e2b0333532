package had.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code [metrics]}: where had serves its Prometheus metrics. Off unless had.conf has the section.
 * The address is a literal, never a name: a daemon that starts at boot must not wait for DNS.
 */
public record MetricsConfig(InetSocketAddress listen, String written) {
    static final String LISTEN = "listen";
    static final String SHAPE = "write ADDRESS:PORT, e.g. listen = 127.0.0.1:9712, or [::1]:9712 for IPv6";

    /** "127.0.0.1:9712", "[::1]:9712": as had.conf writes it. */
    public String describe() {
        return written;
    }

    static MetricsConfig listen(String text) throws BadValue {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new BadValue("listen = " + text + " is not ADDRESS:PORT: " + SHAPE);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) throw new BadValue("listen = " + text + " has no port: " + SHAPE);
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) {
                throw new BadValue("listen = " + text + ": an IPv6 address goes in brackets: " + SHAPE);
            }
        }
        byte[] bytes = host.contains(":") ? Ipv6.parse("listen address", host) : ipv4(host);
        int p = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : 0;
        if (p < 1 || p > 65535) {
            throw new BadValue("listen = " + text + ": the port must be a number 1..65535: " + SHAPE);
        }
        try {
            return new MetricsConfig(new InetSocketAddress(InetAddress.getByAddress(bytes), p), text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ipv4(String host) throws BadValue {
        int v = Ipv4.parse("listen address", host);
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
