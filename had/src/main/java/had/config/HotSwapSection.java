package had.config;

import java.util.List;
import java.util.Map;

/** {@code [hotswap]}: the hot-swap policy of every slot whose {@code [slot N]} does not set its own. */
final class HotSwapSection {
    static final List<String> KEYS = HotSwapKeys.ALL;

    private HotSwapSection() {
    }

    static HotSwapPolicy parse(IniSection s, Diagnostics d) {
        Map<String, IniEntry> k = SectionKeys.index(s, "[hotswap]", KEYS, d);
        HotSwapPolicy p = HotSwapPolicy.NONE;
        for (IniEntry e : k.values()) p = HotSwapKeys.apply(p, e, d);
        return p.over(HotSwapPolicy.DEFAULT);
    }
}
