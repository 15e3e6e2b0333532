package had.config;

import had.backplane.PathSupervision;
import had.network.IfAddress;
import java.util.List;
import java.util.Map;

/** A {@code [bond NAME]} section: addresses, MTU, bonding options and path supervision. */
final class BondSection {
    static final int MIN_MTU = 68;
    static final int MAX_MTU = 65535;

    private BondSection() {
    }

    static Located<BondConfig> parse(IniSection s, String name, Diagnostics d) {
        String label = "[bond " + name + "]";
        Map<String, IniEntry> k = SectionKeys.index(s, label, SectionKeys.BOND, d);
        List<IfAddress> addresses = AddressKeys.parse(label, k, true, d);
        int mtu = mtu(k, d);
        BondOptionsParser.Parsed parsed = BondOptionsParser.parse(name, s.line(), k, d);
        if (parsed.options().arpInterval() > 0 && !k.containsKey("address")) {
            d.warning(k.get("arp_interval").line(), name + " uses the ARP monitor but has no address:"
                    + " its probes go out from 0.0.0.0, and with arp_validate every slave stays down;"
                    + " give " + name + " an address");
        }
        PathSupervision paths = PathKeys.parse(name, s, k, addresses, d);
        return Located.of(new BondConfig(name, addresses, mtu, parsed.options(), parsed.primary(), paths, s.line()),
                s.line(), k);
    }

    /** 0 when not configured (the record's convention); 68 is the IPv4 minimum, 65535 the maximum. */
    static int mtu(Map<String, IniEntry> k, Diagnostics d) {
        IniEntry e = k.get("mtu");
        if (e == null) return 0;
        try {
            return Values.integer("mtu", e.value(), MIN_MTU, MAX_MTU, "bytes");
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return 0;
        }
    }
}
