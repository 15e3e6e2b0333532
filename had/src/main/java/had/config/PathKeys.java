package had.config;

import had.backplane.PathSupervision;
import had.network.IfAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The path supervision keys of a {@code [bond NAME]} section (had/doc/path-supervision.md):
 * {@code path_targets}, whose presence makes the bond supervised, and {@code path_interval},
 * {@code path_missed} and {@code path_answered}, which need it.
 *
 * <p>A target is a host on the bond's link that answers an ARP request (IPv4) or a Neighbor
 * Solicitation (IPv6): one unicast address, written as an address. Refused, each with its reason:
 * host names (had resolves nothing: a failover must not wait for DNS), prefixes, brackets and
 * zones; addresses no single host answers for (unspecified, loopback, multicast, broadcast,
 * reserved, the network and broadcast addresses of the bond's own subnets); IPv4-mapped and
 * IPv4-compatible IPv6 addresses (never on a wire: the IPv4 address is what to write); IPv6
 * link-local addresses (they need a zone, and the bond's ports come and go with their cards and may
 * be on different links); the bond's own addresses. Addresses had puts on other interfaces are
 * refused by {@link CrossChecks}, which sees every section. An IPv4 target outside every subnet
 * of the bond is only a warning: a host on the link may still answer for it.
 *
 * <p>The ARP monitor and miimon may be used together with path supervision: they are the
 * driver's, had's probes come from other addresses and do not disturb them.
 */
final class PathKeys {
    static final String TARGETS = "path_targets";
    static final List<String> DEPENDENT = List.of("path_interval", "path_missed", "path_answered");

    /** An RFC 1123 host name; a dotted name needs a top-level label of two letters or more. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z][a-z0-9-]*|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.[a-z]{2,}\\.?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DOTTED = Pattern.compile("[0-9.]+");

    private final String bond;
    private final List<IfAddress> addresses;
    private final Diagnostics d;

    private PathKeys(String bond, List<IfAddress> addresses, Diagnostics d) {
        this.bond = bond;
        this.addresses = addresses;
        this.d = d;
    }

    /**
     * The bond's path supervision, or null when {@code path_targets} is not written. With errors
     * the targets are those that passed (possibly none), so that checks across sections still see
     * them; the configuration is refused anyway.
     */
    static PathSupervision parse(String bond, IniSection s, Map<String, IniEntry> k, List<IfAddress> addresses,
                                 Diagnostics d) {
        return new PathKeys(bond, addresses, d).parse(s, k);
    }

    private PathSupervision parse(IniSection s, Map<String, IniEntry> k) {
        Integer interval = integer(k, "path_interval", PathSupervision.MIN_INTERVAL_MS,
                PathSupervision.MAX_INTERVAL_MS, "milliseconds", PathSupervision.DEFAULT_INTERVAL_MS);
        Integer missed = integer(k, "path_missed", 1, PathSupervision.MAX_COUNT, "rounds",
                PathSupervision.DEFAULT_MISSED);
        Integer answered = integer(k, "path_answered", 1, PathSupervision.MAX_COUNT, "rounds",
                PathSupervision.DEFAULT_ANSWERED);
        // Written but unusable (no value, a reference, twice) is reported already: the other keys
        // do have their path_targets then, and "without path_targets" would be noise.
        boolean written = s.entries().stream().anyMatch(e -> e.key().equals(TARGETS));
        if (!written) {
            for (String key : DEPENDENT) {
                IniEntry e = k.get(key);
                if (e == null) continue;
                d.error(e.line(), key + " without " + TARGETS + ": " + bond + "'s paths are not supervised,"
                        + " so it has no effect; add " + TARGETS + " = ADDRESS[, ADDRESS...] (up to "
                        + PathSupervision.MAX_TARGETS + ", e.g. the gateway), or remove " + key);
            }
            return null;
        }
        IniEntry e = k.get(TARGETS);
        List<InetAddress> targets = e == null ? List.of() : targets(e);
        return new PathSupervision(targets,
                interval == null ? PathSupervision.DEFAULT_INTERVAL_MS : interval,
                missed == null ? PathSupervision.DEFAULT_MISSED : missed,
                answered == null ? PathSupervision.DEFAULT_ANSWERED : answered);
    }

    private List<InetAddress> targets(IniEntry e) {
        List<String> items;
        try {
            items = Values.list(TARGETS, e.value());
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return List.of();
        }
        if (items.size() > PathSupervision.MAX_TARGETS) {
            d.error(e.line(), TARGETS + " lists " + items.size() + " addresses: had probes at most "
                    + PathSupervision.MAX_TARGETS + " targets per bond; keep the most useful ones");
            return List.of();
        }
        Map<InetAddress, String> seen = new LinkedHashMap<>();
        for (String item : items) {
            InetAddress a;
            try {
                a = target(item);
            } catch (BadValue bad) {
                d.error(e.line(), bad.getMessage());
                continue;
            }
            String first = seen.putIfAbsent(a, item);
            if (first != null) {
                d.error(e.line(), TARGETS + " lists " + first + " twice" + (first.equals(item) ? "" : " (also as "
                        + item + ")") + ": list each target once");
                continue;
            }
            if (a.getAddress().length == 4) offLink(e, item, IfAddress.toInt((java.net.Inet4Address) a));
        }
        return new ArrayList<>(seen.keySet());
    }

    /** One target, as written: an IPv4 or IPv6 unicast address of another host. */
    private InetAddress target(String item) throws BadValue {
        int slash = item.indexOf('/');
        int percent = item.indexOf('%');
        if (slash == 0 || percent == 0) throw notAnAddress(item);
        if (item.chars().anyMatch(Character::isWhitespace)) {
            throw new BadValue(TARGETS + " " + item + " is not one address: separate the targets with commas,"
                    + " e.g. " + TARGETS + " = 10.0.1.100, fd00:1::100");
        }
        if (slash > 0) {
            String host = item.substring(0, slash);
            target(host);
            throw new BadValue(TARGETS + " " + item + " has a prefix: a target is one host; write " + host);
        }
        if (item.length() > 2 && item.startsWith("[") && item.endsWith("]")) {
            String inside = item.substring(1, item.length() - 1);
            target(inside);
            throw new BadValue(TARGETS + " " + item + " is in brackets: write the address alone, " + inside);
        }
        if (percent > 0) {
            String host = item.substring(0, percent);
            byte[] b = Ipv6.parse(TARGETS, host);
            if (linkLocal(b)) throw new BadValue(linkLocalMessage(item));
            ipv6(host, b);
            throw new BadValue(TARGETS + " " + item + " has a zone (" + item.substring(percent) + "), which only"
                    + " a link-local address takes: write " + host);
        }
        if (item.indexOf(':') >= 0) return ipv6(item, Ipv6.parse(TARGETS, item));
        if (DOTTED.matcher(item).matches()) return ipv4(item, Ipv4.parse(TARGETS, item));
        if (HOST_NAME.matcher(item).matches()) {
            throw new BadValue(TARGETS + " " + item + " is a host name: had resolves no names (a failover"
                    + " must not wait for DNS); write the target's IP address");
        }
        throw notAnAddress(item);
    }

    private static BadValue notAnAddress(String item) {
        return new BadValue(TARGETS + " " + item + " is not an IP address: write an IPv4 address (e.g."
                + " 10.0.1.100) or an IPv6 address (e.g. fd00:1::100)");
    }

    private InetAddress ipv4(String item, int v) throws BadValue {
        int first = v >>> 24;
        if (v == 0) throw new BadValue(TARGETS + " " + item + " is the unspecified address, which no host has: " + host());
        if (first == 0) throw new BadValue(TARGETS + " " + item + " is in 0.0.0.0/8, which no host has: " + host());
        if (first == 127) {
            throw new BadValue(TARGETS + " " + item + " is a loopback address: a probe must leave through the"
                    + " port; " + host());
        }
        if (first >= 224 && first < 240) throw new BadValue(TARGETS + " " + item + " is a multicast address: " + one());
        if (v == -1) throw new BadValue(TARGETS + " " + item + " is the broadcast address: " + one());
        if (first >= 240) {
            throw new BadValue(TARGETS + " " + item + " is in the reserved block 240.0.0.0/4, which no host has: "
                    + host());
        }
        for (IfAddress a : addresses) {
            String subnet = a.network().getHostAddress() + "/" + a.prefix();
            if (IfAddress.toInt(a.address()) == v) {
                throw new BadValue(TARGETS + " " + item + " is " + bond + "'s own address: " + bond + " would"
                        + " probe itself; write the address of another host on its link, e.g. the gateway");
            }
            if (a.broadcast() != null && IfAddress.toInt(a.broadcast()) == v) {
                throw new BadValue(TARGETS + " " + item + " is the broadcast address of " + bond + "'s subnet "
                        + subnet + ": " + one());
            }
            if (a.prefix() <= 30 && IfAddress.toInt(a.network()) == v) {
                throw new BadValue(TARGETS + " " + item + " is the network address of " + bond + "'s subnet "
                        + subnet + ", which no host has: " + host());
            }
        }
        return IfAddress.fromInt(v);
    }

    private InetAddress ipv6(String item, byte[] b) throws BadValue {
        boolean zero96 = true;
        for (int i = 0; i < 12; i++) zero96 &= b[i] == 0;
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
        int low = ((b[12] & 0xff) << 24) | ((b[13] & 0xff) << 16) | ((b[14] & 0xff) << 8) | (b[15] & 0xff);
        if (zero96 && low == 0) throw new BadValue(TARGETS + " " + item + " is the unspecified address, which no host has: " + host());
        if (zero96 && low == 1) {
            throw new BadValue(TARGETS + " " + item + " is the loopback address: a probe must leave through the"
                    + " port; " + host());
        }
        if (mapped) {
            throw new BadValue(TARGETS + " " + item + " is an IPv4-mapped IPv6 address, which exists only inside"
                    + " a host's socket interface, never on a link: write the IPv4 address itself, " + Ipv4.format(low));
        }
        if (zero96) {
            throw new BadValue(TARGETS + " " + item + " is an IPv4-compatible IPv6 address, deprecated and used"
                    + " on no link: write the IPv4 address itself, " + Ipv4.format(low));
        }
        if (b[0] == (byte) 0xff) throw new BadValue(TARGETS + " " + item + " is a multicast address: " + one());
        if (linkLocal(b)) throw new BadValue(linkLocalMessage(item));
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private static boolean linkLocal(byte[] b) {
        return b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80;
    }

    private static String linkLocalMessage(String item) {
        return TARGETS + " " + item + " is a link-local IPv6 address: it names a host only together with a"
                + " link, and had cannot name one (the bond's ports come and go with their cards and may be on"
                + " different switches); write a global or unique local address of the target, e.g. fd00:1::100";
    }

    /** An IPv4 target outside every subnet of the bond: ARP reaches only hosts on the link. */
    private void offLink(IniEntry e, String item, int v) {
        if (addresses.isEmpty()) return;
        List<String> subnets = new ArrayList<>();
        for (IfAddress a : addresses) {
            int mask = IfAddress.mask(a.prefix());
            if ((IfAddress.toInt(a.address()) & mask) == (v & mask)) return;
            subnets.add(a.network().getHostAddress() + "/" + a.prefix());
        }
        d.warning(e.line(), TARGETS + " " + item + " is outside " + bond + "'s " + (subnets.size() == 1 ? "subnet "
                : "subnets ") + String.join(", ", subnets) + ": the probes are ARP requests, answered only by a"
                + " host on the bond's own link; unless " + item + " is there, every path of " + bond
                + " will be down");
    }

    private String host() {
        return "write the address of a host on " + bond + "'s link, e.g. the gateway";
    }

    private String one() {
        return "a probe asks one host; write the unicast address of a host on " + bond + "'s link, e.g. the gateway";
    }

    private Integer integer(Map<String, IniEntry> k, String key, int min, int max, String unit, int example) {
        IniEntry e = k.get(key);
        if (e == null) return null;
        try {
            return Values.integer(key, e.value(), min, max, unit, example);
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return null;
        }
    }
}
