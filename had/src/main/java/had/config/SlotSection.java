package had.config;

import had.backplane.PciId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code [slot N]} section: {@code SUBDEVICE = CONFIG[, CONFIG...]} for each Ethernet port of
 * the card in that slot, ports numbered 0.. in PCI function order, as the seed's "device" lines.
 */
final class SlotSection {
    /** A CompactPCI backplane has at most 21 slots (PICMG 2.0). */
    static final int MIN_SLOT = 1;
    static final int MAX_SLOT = 21;
    /** A PCI device has at most 8 functions. */
    static final int MAX_SUBDEVICE = 7;
    /** The key that names the card the slot must hold. */
    static final String CARD = "card";

    private SlotSection() {
    }

    static Located<SlotConfig> parse(IniSection s, int slot, Diagnostics d) {
        String label = "[slot " + slot + "]";
        Map<Integer, List<String>> ports = new TreeMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        Map<Integer, Integer> seen = new HashMap<>();
        PciId card = null;
        HotSwapPolicy policy = HotSwapPolicy.NONE;
        for (IniEntry e : s.entries()) {
            if (HotSwapKeys.isOne(e.key())) {
                Integer first = keyLines.putIfAbsent(e.key(), e.line());
                if (first != null) {
                    d.error(e.line(), "duplicate key '" + e.key() + "' in " + label + ": it is already set at line "
                            + first + "; keep one of the two");
                } else if (SectionKeys.usableValue(e, d)) {
                    policy = HotSwapKeys.apply(policy, e, d);
                }
                continue;
            }
            if (e.key().equals(CARD)) {
                if (keyLines.containsKey(CARD)) {
                    d.error(e.line(), label + " names its card twice (first at line " + keyLines.get(CARD)
                            + "): keep one card line");
                    continue;
                }
                keyLines.put(CARD, e.line());
                if (!SectionKeys.usableValue(e, d)) continue;
                try {
                    card = DriversFileParser.pciId(e.value(), "card = 8086:10d3, or with subsystem ids 8086:10d3:8086:a01f");
                } catch (BadValue bad) {
                    d.error(e.line(), bad.getMessage());
                }
                continue;
            }
            int port;
            try {
                port = Values.integer("port", e.key(), 0, MAX_SUBDEVICE, "");
            } catch (BadValue bad) {
                d.error(e.line(), "key '" + e.key() + "' in " + label + " is not a port number: lines"
                        + " of a [slot] map a port (subdevice 0.." + MAX_SUBDEVICE + ", in PCI function"
                        + " order) to configs, e.g. 0 = config1 (its other keys: card, " + String.join(", ", HotSwapKeys.ALL) + ")");
                continue;
            }
            Integer first = seen.putIfAbsent(port, e.line());
            if (first != null) {
                d.error(e.line(), "slot " + slot + " port " + port + " is already mapped at line " + first
                        + ": put all of its configs on one line, e.g. " + port + " = config1, config2");
                continue;
            }
            if (!SectionKeys.usableValue(e, d)) continue;
            List<String> names = configNames(e, slot, port, d);
            if (names.isEmpty()) continue;
            ports.put(port, names);
            keyLines.put(String.valueOf(port), e.line());
        }
        if (s.entries().isEmpty()) {
            d.warning(s.line(), label + " maps no port: a card inserted there is left alone; add"
                    + " 0 = CONFIG or remove the section");
        }
        return new Located<>(new SlotConfig(slot, ports, card, policy, s.line()), s.line(), keyLines);
    }

    private static List<String> configNames(IniEntry e, int slot, int port, Diagnostics d) {
        List<String> names = new ArrayList<>();
        try {
            for (String name : Values.list(e.key(), e.value())) {
                Names.configName(name);
                if (names.contains(name)) {
                    d.error(e.line(), "slot " + slot + " port " + port + " lists config " + name
                            + " twice: list each config once");
                    continue;
                }
                names.add(name);
            }
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return List.of();
        }
        return names;
    }
}
