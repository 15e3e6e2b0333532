package had.config;

import had.network.IfAddress;

/**
 * Strict dotted-quad IPv4 parsing. InetAddress.getByName is not used: it would resolve host
 * names through DNS and accept forms like "10.1" or "0x0a.0.0.1" that iproute2 does not.
 */
final class Ipv4 {
    private Ipv4() {
    }

    static int parse(String what, String text) throws BadValue {
        String[] parts = text.split("\\.", -1);
        String shape = what + " " + text + " is not an IPv4 address: write four numbers 0..255"
                + " separated by dots, e.g. 10.0.1.1";
        if (parts.length != 4) throw new BadValue(shape);
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) throw new BadValue(shape);
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') throw new BadValue(shape);
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                throw new BadValue(what + " " + text + " has a leading zero, which some tools read as"
                        + " octal: write " + withoutLeadingZeros(parts));
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) throw new BadValue(shape);
            v = (v << 8) | octet;
        }
        return v;
    }

    /** An address a host may put on an interface or send ARP probes to. */
    static int unicast(String what, String text) throws BadValue {
        int v = parse(what, text);
        int first = v >>> 24;
        if (first == 0) throw new BadValue(what + " " + text + " is in 0.0.0.0/8, which is not a host address");
        if (first == 127) throw new BadValue(what + " " + text + " is a loopback address: use an address of the chassis network");
        if (first >= 224 && first < 240) throw new BadValue(what + " " + text + " is a multicast address: use a unicast host address");
        if (first >= 240) throw new BadValue(what + " " + text + " is a reserved or broadcast address: use a unicast host address");
        return v;
    }

    /** A netmask must be ones then zeros; returns its prefix length. */
    static int netmask(String text) throws BadValue {
        int m = parse("netmask", text);
        int prefix = Integer.bitCount(m);
        if (m != IfAddress.mask(prefix)) {
            int leading = Integer.numberOfLeadingZeros(~m);
            throw new BadValue("netmask " + text + " is not contiguous (it must be ones then zeros):"
                    + " did you mean " + format(IfAddress.mask(leading)) + " (/" + leading + ")?");
        }
        return prefix;
    }

    static String format(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    private static String withoutLeadingZeros(String[] parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (sb.length() > 0) sb.append('.');
            sb.append(Integer.parseInt(p));
        }
        return sb.toString();
    }
}
