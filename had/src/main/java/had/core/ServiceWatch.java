package had.core;

import had.audit.AuditEvent;
import had.backplane.PathState;
import had.config.BondConfig;
import had.config.ChassisConfig;
import had.config.PortConfig;
import had.config.SlotConfig;
import had.network.IfAddress;
import had.network.NetworkState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Watches what the chassis promises its users — each bond, and each plain service address — and
 * reports every change of whether it works. These records are what availability is computed from,
 * so a change is reported once, when it is first seen, and never twice.
 */
final class ServiceWatch {
    /** What a user of a service would notice; a change in any field is a new record. */
    record View(boolean up, int working, int slaves, String active, int expected) {}

    private final Map<String, View> last = new HashMap<>();
    private final Map<String, String> kinds = new HashMap<>();
    /** Names an interface the operator's way: "eth1 (slot 2 port 0)". */
    private final Function<String, String> where;
    /** What the probes say of a port's path (UNKNOWN when it is not supervised). */
    private final Function<String, PathState> path;
    /** Why a supervised port's path is down, in the operator's words ("path to 10.0.1.100 lost"). */
    private final Function<String, String> pathLoss;

    ServiceWatch(Function<String, String> where) {
        this(where, ifname -> PathState.UNKNOWN, ifname -> null);
    }

    ServiceWatch(Function<String, String> where, Function<String, PathState> path, Function<String, String> pathLoss) {
        this.where = where;
        this.path = path;
        this.pathLoss = pathLoss;
    }

    /**
     * @param portOf resolves (slot, subdevice) to the interface in service there, or null
     * @param readAt when the read of {@code actual} began: a change it shows had happened by then,
     *               however long the read took (reading every bond under load takes a while), so
     *               the records carry it as {@code since}
     * @param trafficMoved when had began, since the last observation, to change which slaves carry
     *               each bond: a bond's new state dates from there, not from the end of a write that
     *               the driver can take 100 ms and more to return from; in balance-alb, when the
     *               announcement that ends a move was out ({@link Action#endsMoveOf})
     */
    List<AuditEvent> observe(ChassisConfig config, NetworkState actual, BiFunction<Integer, Integer, String> portOf,
                             long readAt, Map<String, Long> trafficMoved) {
        List<AuditEvent> out = new ArrayList<>();
        for (BondConfig bc : config.bonds().values()) {
            NetworkState.Bond b = actual.bond(bc.name());
            NetworkState.Link l = actual.link(bc.name());
            int working = b == null ? 0 : working(b, actual);
            boolean carrying = b != null && (b.options().mode().hasActiveSlave()
                    ? b.activeSlave() != null && working(b, b.activeSlave(), actual)
                    : working >= Math.max(1, bc.options().minLinks()));
            boolean up = l != null && l.up() && carrying;
            String cause = up ? null : b == null ? "bond missing" : l == null || !l.up() ? "bond down"
                    : b.activeSlave() != null && b.options().mode().hasActiveSlave()
                    ? activeCause(b.activeSlave(), actual)
                    : working > 0 ? "fewer working slaves than min_links" : noWorkingCause(b, actual);
            View v = new View(up, working, b == null ? 0 : b.slaves().size(), b == null ? null : b.activeSlave(),
                    expectedSlaves(config, bc.name()));
            report(bc.name(), "bond", v, trafficMoved.getOrDefault(bc.name(), readAt), cause, out);
        }
        for (SlotConfig sc : config.slots().values()) {
            for (Map.Entry<Integer, List<String>> port : sc.ports().entrySet()) {
                for (String name : port.getValue()) {
                    PortConfig pc = config.configs().get(name);
                    if (pc == null || pc.address() == null) continue;
                    String ifname = portOf.apply(sc.slot(), port.getKey());
                    if (ifname != null && pc.vlan() > 0) ifname = DesiredState.vlanName(ifname, pc.vlan());
                    NetworkState.Link l = ifname == null ? null : actual.link(ifname);
                    boolean up = l != null && l.up() && l.carrier() && Reconciler.containsAddress(l.addresses(), pc.address());
                    report(serviceName(pc.address()), "address", new View(up, up ? 1 : 0, 1, up ? ifname : null, 1),
                            readAt, null, out);
                }
            }
        }
        return out;
    }

    /** {@link WorkingPort}'s, with the probes' verdicts this watch reads. */
    boolean working(NetworkState.Bond b, String slave, NetworkState actual) {
        return WorkingPort.working(actual, b, slave, s -> path.apply(s) == PathState.DOWN);
    }

    /** Why the active slave does not carry: its link, or its path with the link still up. */
    private String activeCause(String active, NetworkState actual) {
        NetworkState.Link l = actual.link(active);
        if (l != null && l.carrier() && path.apply(active) == PathState.DOWN) return pathCause(active);
        return "active slave " + where.apply(active) + " lost its link";
    }

    private String noWorkingCause(NetworkState.Bond b, NetworkState actual) {
        for (String s : b.slaves()) {
            NetworkState.Link l = actual.link(s);
            if (l != null && l.carrier() && path.apply(s) == PathState.DOWN) return "no working slave: " + pathCause(s);
        }
        return "no working slave";
    }

    /** "path to 10.0.1.100 lost on eth0 (slot 2 port 0), carrier up". */
    private String pathCause(String ifname) {
        String loss = pathLoss.apply(ifname);
        return (loss == null ? "path lost" : loss) + " on " + where.apply(ifname) + ", carrier up";
    }

    private int working(NetworkState.Bond b, NetworkState actual) {
        int n = 0;
        for (String s : b.slaves()) if (working(b, s, actual)) n++;
        return n;
    }

    private void report(String service, String kind, View v, Long since, String cause, List<AuditEvent> out) {
        View before = last.put(service, v);
        kinds.put(service, kind);
        if (Objects.equals(before, v)) return;
        out.add(AuditEvent.of("service.state").with("service", service).with("kind", kind).with("up", v.up())
                .with("working", v.working()).with("slaves", v.slaves()).with("expected", v.expected())
                .with("active", v.active()).with("since", since).with("cause", cause).build());
    }

    /**
     * The carrier of {@code ifname} went at {@code at} (the kernel's time of the event). A bond
     * whose active slave it was stopped carrying traffic then, however soon the bonding driver
     * fails over and whenever had gets to look: the record says so with {@code since}.
     */
    List<AuditEvent> carrierLost(String ifname, long at) {
        return activeLost(ifname, at, "active slave " + where.apply(ifname) + " lost its link");
    }

    /**
     * The probes found {@code ifname}'s path dead, beginning at {@code since} (in the interval
     * before the first unanswered round). A bond whose active slave it is stopped carrying
     * traffic then, whatever had does next: the record says so with {@code since}.
     */
    List<AuditEvent> pathLost(String ifname, long since) {
        return activeLost(ifname, since, pathCause(ifname));
    }

    /** Every bond carried by {@code ifname} as its active slave is down since {@code since}, for {@code cause}. */
    private List<AuditEvent> activeLost(String ifname, long since, String cause) {
        List<AuditEvent> out = new ArrayList<>();
        for (Map.Entry<String, View> e : new ArrayList<>(last.entrySet())) {
            View v = e.getValue();
            if (!"bond".equals(kinds.get(e.getKey())) || !v.up() || !ifname.equals(v.active())) continue;
            View down = new View(false, Math.max(0, v.working() - 1), v.slaves(), v.active(), v.expected());
            report(e.getKey(), "bond", down, since, cause, out);
        }
        return out;
    }

    /** How many ports the configuration puts in the bond: fewer working than that is degraded. */
    static int expectedSlaves(ChassisConfig config, String bond) {
        int n = 0;
        for (SlotConfig sc : config.slots().values()) {
            for (List<String> names : sc.ports().values()) {
                for (String name : names) {
                    PortConfig pc = config.configs().get(name);
                    if (pc != null && bond.equals(pc.bond())) n++;
                }
            }
        }
        return n;
    }

    static String serviceName(IfAddress a) {
        return a.address().getHostAddress();
    }

    /** Forgets what was reported, so that the next {@link #observe} reports every service again. */
    void forget() {
        last.clear();
    }

    View view(String service) {
        return last.get(service);
    }
}
