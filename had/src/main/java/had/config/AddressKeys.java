package had.config;

import had.network.IfAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The address keys of a [bond] or [config] section: {@code address} as ADDRESS/PREFIX, or ADDRESS
 * with {@code netmask}; {@code network} and {@code broadcast} as the seed's configs wrote them,
 * checked against the address rather than trusted, since a wrong broadcast silently breaks ARP.
 */
final class AddressKeys {
    private AddressKeys() {
    }

    /** {@code several}: a bond may carry secondary addresses; a port config has one. */
    static List<IfAddress> parse(String owner, Map<String, IniEntry> k, boolean several, Diagnostics d) {
        IniEntry address = k.get("address");
        if (address == null) {
            for (String key : List.of("netmask", "network", "broadcast")) {
                IniEntry e = k.get(key);
                if (e != null) {
                    d.error(e.line(), key + " without address in " + owner + ": add address = A.B.C.D/PREFIX"
                            + " or remove " + key);
                }
            }
            return List.of();
        }
        List<String> items;
        try {
            items = Values.list("address", address.value());
        } catch (BadValue bad) {
            d.error(address.line(), bad.getMessage());
            return List.of();
        }
        if (items.size() > 1 && !several) {
            d.error(address.line(), owner + " has " + items.size() + " addresses: a port config has one"
                    + " (put secondary addresses on a bond)");
            return List.of();
        }
        if (items.size() > 1) {
            for (String key : List.of("netmask", "network", "broadcast")) {
                IniEntry e = k.get(key);
                if (e != null) {
                    d.error(e.line(), key + " is ambiguous with several addresses in " + owner
                            + ": write each address as A.B.C.D/PREFIX and remove " + key);
                }
            }
        }
        Integer maskPrefix = null;
        IniEntry netmask = items.size() == 1 ? k.get("netmask") : null;
        if (netmask != null) {
            try {
                maskPrefix = Ipv4.netmask(netmask.value());
                if (maskPrefix == 0) throw new BadValue("netmask 0.0.0.0 leaves no network: use a real netmask, e.g. 255.255.255.0");
            } catch (BadValue bad) {
                d.error(netmask.line(), bad.getMessage());
                return List.of();
            }
        }
        List<IfAddress> result = new ArrayList<>();
        for (String item : items) {
            try {
                result.add(one(item, owner, address, netmask, maskPrefix, k, items.size() == 1, d));
            } catch (BadValue bad) {
                d.error(address.line(), bad.getMessage());
            }
        }
        return result;
    }

    private static IfAddress one(String item, String owner, IniEntry address, IniEntry netmask,
                                 Integer maskPrefix, Map<String, IniEntry> k, boolean single,
                                 Diagnostics d) throws BadValue {
        int slash = item.indexOf('/');
        String host = slash < 0 ? item : item.substring(0, slash);
        int addr = Ipv4.unicast("address", host);
        int prefix;
        if (slash >= 0) {
            try {
                prefix = Values.integer("prefix", item.substring(slash + 1), 1, 32, "bits");
            } catch (BadValue bad) {
                throw new BadValue("address " + item + " has a bad prefix: write the prefix length 1..32"
                        + " after the slash, e.g. " + host + "/24");
            }
            if (maskPrefix != null && maskPrefix != prefix) {
                d.error(netmask.line(), "netmask " + netmask.value() + " (/" + maskPrefix + ") contradicts"
                        + " address " + item + ": give the prefix once, either /PREFIX or netmask");
            }
        } else if (maskPrefix != null) {
            prefix = maskPrefix;
        } else {
            throw new BadValue("address " + item + " has no prefix: write " + host + "/24 (for example),"
                    + (single ? " or add netmask = 255.255.255.0" : " with each address's own prefix"));
        }
        int mask = IfAddress.mask(prefix);
        if (prefix <= 30 && (addr & ~mask) == 0) {
            throw new BadValue("address " + host + "/" + prefix + " is the network address of its subnet:"
                    + " use a host address such as " + Ipv4.format(addr + 1) + "/" + prefix);
        }
        if (prefix <= 30 && (addr | mask) == -1) {
            throw new BadValue("address " + host + "/" + prefix + " is the broadcast address of its subnet:"
                    + " use a host address such as " + Ipv4.format(addr - 1) + "/" + prefix);
        }
        IfAddress result = new IfAddress(IfAddress.fromInt(addr), prefix);
        if (single) checkDerived(owner, host + "/" + prefix, result, k, d);
        return result;
    }

    /** network and broadcast are redundant; if written they must say what address+netmask say. */
    private static void checkDerived(String owner, String cidr, IfAddress a, Map<String, IniEntry> k, Diagnostics d) {
        IniEntry network = k.get("network");
        if (network != null) {
            try {
                int n = Ipv4.parse("network", network.value());
                int expected = IfAddress.toInt(a.network());
                if (n != expected) {
                    d.error(network.line(), "network = " + network.value() + " contradicts address " + cidr
                            + ", whose network is " + Ipv4.format(expected) + ": correct it or remove"
                            + " the line (had derives it)");
                }
            } catch (BadValue bad) {
                d.error(network.line(), bad.getMessage());
            }
        }
        IniEntry broadcast = k.get("broadcast");
        if (broadcast != null) {
            try {
                int b = Ipv4.parse("broadcast", broadcast.value());
                if (a.broadcast() == null) {
                    d.error(broadcast.line(), "broadcast = " + broadcast.value() + " contradicts address "
                            + cidr + ": a /" + a.prefix() + " has no broadcast address; remove the line");
                } else if (b != IfAddress.toInt(a.broadcast())) {
                    d.error(broadcast.line(), "broadcast = " + broadcast.value() + " contradicts address "
                            + cidr + ", whose broadcast is " + a.broadcast().getHostAddress()
                            + ": correct it or remove the line (had derives it)");
                }
            } catch (BadValue bad) {
                d.error(broadcast.line(), bad.getMessage());
            }
        }
    }
}
