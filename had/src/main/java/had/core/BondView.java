package had.core;

import had.backplane.PathState;
import had.network.BondOptions;
import java.util.List;

/**
 * A read-only picture of one configured bond as the kernel has it, for status output and drills.
 * {@code exists} is false when the kernel has no such bond (yet); {@code up} is whether the bond
 * carries traffic, as the service records say; a slave is {@code working} when the bond counts it
 * up (MII or ARP) and its link has carrier. Fewer working than {@code expected} is degraded.
 */
public record BondView(String name, boolean exists, boolean linkUp, boolean up, BondOptions options,
                       List<SlaveView> slaves, String activeSlave, int working, int expected) {
    public BondView {
        slaves = List.copyOf(slaves);
    }

    /**
     * {@code slot} 0 and {@code port} -1 when the interface belongs to no card had knows.
     * {@code path}: what the probes say of its path, null when the bond's paths are not supervised;
     * {@code rttNanos}: the last answer's round-trip time, 0 when none. {@code enslaved} is false for
     * a port had keeps out of the bond because its path is dead (it is still probed).
     */
    public record SlaveView(String ifname, int slot, int port, boolean bondUp, boolean carrier, boolean working,
                            PathState path, long rttNanos, boolean enslaved) {
        public SlaveView(String ifname, int slot, int port, boolean bondUp, boolean carrier, boolean working) {
            this(ifname, slot, port, bondUp, carrier, working, null, 0, true);
        }
    }

    public boolean degraded() {
        return working < expected;
    }
}
