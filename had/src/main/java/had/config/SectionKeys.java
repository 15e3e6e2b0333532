package had.config;

import had.network.BondOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The keys each section type accepts, and the checks every entry goes through whatever its
 * section: known key, set once, has a value, no {@code ${...}} reference.
 */
final class SectionKeys {
    static final List<String> DOMAINS = List.of("control");
    /** A [bond NAME]'s keys: its address, the bonding driver's options (one table), its path probes. */
    static final List<String> BOND = Stream.of(List.of("address", "netmask", "network", "broadcast", "mtu"),
            BondOption.keys(), List.of("path_targets", "path_interval", "path_missed", "path_answered"))
            .flatMap(List::stream).toList();
    static final List<String> CONFIG = List.of("address", "netmask", "network", "broadcast", "bond",
            "vlan", "mtu");

    private SectionKeys() {
    }

    /**
     * The usable entries of a section by key. Unknown keys, second settings of a key, empty values
     * and references are reported and left out, so later checks see only entries worth checking.
     */
    static Map<String, IniEntry> index(IniSection s, String label, List<String> allowed, Diagnostics d) {
        Map<String, IniEntry> byKey = new LinkedHashMap<>();
        for (IniEntry e : s.entries()) {
            if (!allowed.contains(e.key())) {
                d.error(e.line(), unknownKey(e.key(), label, allowed));
                continue;
            }
            IniEntry first = byKey.get(e.key());
            if (first != null) {
                d.error(e.line(), "duplicate key '" + e.key() + "' in " + label + ": it is already set"
                        + " at line " + first.line() + "; keep one of the two");
                continue;
            }
            if (!usableValue(e, d)) continue;
            byKey.put(e.key(), e);
        }
        return byKey;
    }

    /** False (after reporting) for an empty value or one with a reference ini4j could expand. */
    static boolean usableValue(IniEntry e, Diagnostics d) {
        if (e.value().isEmpty()) {
            d.error(e.line(), e.key() + " has no value: write " + e.key() + " = VALUE, or remove the line");
            return false;
        }
        if (e.value().contains("${")) {
            d.error(e.line(), e.key() + " = " + e.value() + ": ${...} references are not expanded"
                    + " in had.conf; write the value itself");
            return false;
        }
        return true;
    }

    private static String unknownKey(String key, String label, List<String> allowed) {
        String close = Suggest.closest(key, allowed);
        if (close != null) {
            return "unknown key '" + key + "' in " + label + ": did you mean '" + close + "'?";
        }
        String home = BOND.contains(key) ? "[bond NAME]" : CONFIG.contains(key) ? "[config NAME]"
                : DOMAINS.contains(key) ? "[domains]" : HotSwapKeys.isOne(key) ? "[hotswap] or [slot N]"
                : MetricsSection.KEYS.contains(key) ? "[metrics]" : null;
        if (home != null) {
            return "key '" + key + "' does not belong in " + label + ": it is a " + home + " key";
        }
        return "unknown key '" + key + "' in " + label + ": valid keys are " + String.join(", ", allowed);
    }
}
