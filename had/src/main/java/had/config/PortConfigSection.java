package had.config;

import had.network.IfAddress;
import java.util.List;
import java.util.Map;

/**
 * A {@code [config NAME]} section: what a port (or its VLAN sub-interface) becomes, either an
 * addressed interface or a slave of a bond. Never both: the bonding driver takes every frame a
 * slave receives, so an address on the slave itself would be unreachable.
 */
final class PortConfigSection {
    static final int MAX_VLAN = 4094;

    private PortConfigSection() {
    }

    static Located<PortConfig> parse(IniSection s, String name, Diagnostics d) {
        String label = "[config " + name + "]";
        Map<String, IniEntry> k = SectionKeys.index(s, label, SectionKeys.CONFIG, d);
        List<IfAddress> addresses = AddressKeys.parse(label, k, false, d);
        IfAddress address = addresses.isEmpty() ? null : addresses.get(0);
        int mtu = BondSection.mtu(k, d);
        int vlan = 0;
        IniEntry v = k.get("vlan");
        if (v != null) {
            try {
                vlan = Values.integer("vlan", v.value(), 1, MAX_VLAN, "VLAN id");
            } catch (BadValue bad) {
                d.error(v.line(), bad.getMessage());
            }
        }
        String bond = null;
        IniEntry b = k.get("bond");
        if (b != null) {
            try {
                Names.interfaceName("bond", b.value());
                bond = b.value();
            } catch (BadValue bad) {
                d.error(b.line(), bad.getMessage());
            }
        }
        // Mentioned but invalid counts as mentioned: that line already has its own error.
        boolean mentionsAddress = s.entries().stream().anyMatch(e -> e.key().equals("address"));
        boolean mentionsBond = s.entries().stream().anyMatch(e -> e.key().equals("bond"));
        if (b != null && k.containsKey("address")) {
            d.error(b.line(), label + " has both an address and bond = " + b.value() + ": an enslaved"
                    + " port has no address of its own (put it on the bond); remove one of the two");
        } else if (!mentionsAddress && !mentionsBond) {
            d.error(s.line(), label + " has neither address nor bond: add address = A.B.C.D/PREFIX"
                    + " for a plain port, or bond = NAME to enslave it");
        }
        PortConfig config = new PortConfig(name, b != null ? null : address, bond, vlan, mtu, s.line());
        return Located.of(config, s.line(), k);
    }
}
