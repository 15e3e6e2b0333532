package had.config;

import had.backplane.PathSupervision;
import had.network.BondOptions;
import had.network.IfAddress;
import java.util.List;

/**
 * A {@code [bond NAME]} section: a bond had creates and keeps, its addresses, MTU and options.
 * {@code primary} is the slot and port the configuration names ("slot 2 port 0"), or null;
 * {@code options.primary()} is always null here, the core fills it with the interface there.
 * {@code mtu} is 0 when not configured. {@code paths} is null when the bond's paths are not supervised.
 */
public record BondConfig(String name, List<IfAddress> addresses, int mtu, BondOptions options,
                         SlotPort primary, PathSupervision paths, int line) {
    public BondConfig {
        addresses = List.copyOf(addresses);
    }

    /** A bond without path supervision. */
    public BondConfig(String name, List<IfAddress> addresses, int mtu, BondOptions options, SlotPort primary, int line) {
        this(name, addresses, mtu, options, primary, null, line);
    }

    public boolean supervised() {
        return paths != null;
    }
}
