package had.config;

import java.util.List;
import java.util.Map;

/**
 * A {@code [slot N]} section: for each Ethernet subdevice (0, 1, ... in PCI function order), the
 * configs applied to it; several when a port carries tagged VLANs into several bonds.
 */
public record SlotConfig(int slot, Map<Integer, List<String>> ports, int line) {
    public SlotConfig {
        ports = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(ports));
    }
}
