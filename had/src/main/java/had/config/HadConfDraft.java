package had.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** had.conf section by section, before the checks that look across sections. */
final class HadConfDraft {
    final Set<Integer> domains = new LinkedHashSet<>();
    final Map<String, Located<BondConfig>> bonds = new LinkedHashMap<>();
    final Map<String, Located<PortConfig>> configs = new LinkedHashMap<>();
    final Map<Integer, Located<SlotConfig>> slots = new TreeMap<>();
    HotSwapPolicy hotswap = HotSwapPolicy.DEFAULT;
    /** Null: no [metrics] section, no endpoint. */
    MetricsConfig metrics;
}
