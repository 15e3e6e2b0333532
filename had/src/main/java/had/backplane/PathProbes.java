package had.backplane;

import java.util.Map;

/**
 * Probes that tell whether frames get through a port's path, beyond its carrier (see
 * had/doc/path-supervision.md). Verdicts arrive as {@link BackplaneEvent.PathChanged} events on
 * the backplane's event stream. Adapter: picmg-bridge's path watchers (real packet probes, or
 * simulated ones on the simulated backplane).
 */
public interface PathProbes {
    /**
     * Starts probing {@code ifname}'s path as {@code spec} says; {@code bond} is the bond it belongs
     * to (an answer to any of that bond's ports counts for the port it is addressed to). Watching
     * a port again with the same spec changes nothing.
     */
    void watch(String ifname, String bond, PathSupervision spec);

    /** Stops probing {@code ifname}; nothing happens if it was not probed. */
    void unwatch(String ifname);

    /**
     * {@code held}: had is changing {@code ifname} itself (enslaving a port or releasing it resets
     * many drivers' ports), so what its probes see until the change is over says nothing of its
     * path: its verdict stands. Not held: the change is over, its misses and answers count afresh.
     * Nothing happens if it is not probed.
     */
    void hold(String ifname, boolean held);

    /** Each probed port as the prober has it now, by interface name. */
    Map<String, Status> paths();

    /** {@code rttNanos}: the last answer's round-trip time, 0 before the first answer. */
    record Status(String ifname, String bond, PathState state, long rttNanos, long rounds, long answered,
                  String target) {}

    /** For a backplane with no prober: any attempt to supervise a path fails loudly. */
    PathProbes NONE = new PathProbes() {
        @Override
        public void watch(String ifname, String bond, PathSupervision spec) {
            throw new BackplaneException("cannot supervise the path of " + ifname + ": this backplane has no path prober", 95);
        }

        @Override
        public void unwatch(String ifname) {
        }

        @Override
        public void hold(String ifname, boolean held) {
        }

        @Override
        public Map<String, Status> paths() {
            return Map.of();
        }
    };
}
