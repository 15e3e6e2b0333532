package had.config;

import had.backplane.PciFunction;
import had.backplane.PciId;
import java.util.List;
import java.util.Map;

/**
 * A {@code [slot N]} section: for each Ethernet subdevice (0, 1, ... in PCI function order), the
 * configs applied to it; several when a port carries tagged VLANs into several bonds.
 * {@code card}: the card the slot must hold (a pattern: subsystem ids may be left open), or null
 * for any card. {@code policy}: the hot-swap policy keys set in the section (see
 * {@link ChassisConfig#policy(int)} for the one in force).
 */
public record SlotConfig(int slot, Map<Integer, List<String>> ports, PciId card, HotSwapPolicy policy, int line) {
    public SlotConfig {
        ports = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ports));
        if (policy == null) policy = HotSwapPolicy.NONE;
    }

    public SlotConfig(int slot, Map<Integer, List<String>> ports, int line) {
        this(slot, ports, null, HotSwapPolicy.NONE, line);
    }

    /** Whether {@code functions} are the card this slot expects: one of them carries its ids. */
    public boolean expects(List<PciFunction> functions) {
        return card == null || functions.stream().anyMatch(f -> card.covers(f.id()));
    }
}
