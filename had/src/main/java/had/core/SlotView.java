package had.core;

import had.backplane.PciFunction;
import java.util.List;
import java.util.Map;

/**
 * A read-only picture of one slot, for status output, drills and tests. {@code ailing}: why its
 * card's traffic is kept on other cards (PCIe errors), or null.
 */
public record SlotView(int slot, SlotState state, String reason, List<PciFunction> functions,
                       Map<Integer, String> ports, List<String> modules, boolean led, boolean attention,
                       List<Integer> quarantined, String ailing) {
    public SlotView {
        functions = List.copyOf(functions);
        ports = Map.copyOf(ports);
        modules = List.copyOf(modules);
        quarantined = List.copyOf(quarantined);
    }
}
