package had.core;

import had.audit.AuditEvent;
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

/**
 * Watches what the chassis promises its users — each bond, and each plain service address — and
 * reports every change of whether it works. These records are what availability is computed from,
 * so a change is reported once, when it is first seen, and never twice.
 */
final class ServiceWatch {
    /** What a user of a service would notice; a change in any field is a new record. */
    record View(boolean up, int working, int slaves, String active, int expected) {}

    private final Map<String, View> last = new HashMap<>();

    /**
     * @param portOf resolves (slot, subdevice) to the interface in service there, or null
     */
    List<AuditEvent> observe(ChassisConfig config, NetworkState actual, BiFunction<Integer, Integer, String> portOf) {
        List<AuditEvent> out = new ArrayList<>();
        for (BondConfig bc : config.bonds().values()) {
            NetworkState.Bond b = actual.bond(bc.name());
            NetworkState.Link l = actual.link(bc.name());
            int working = b == null ? 0 : working(b, actual);
            boolean carrying = b != null && (b.options().mode().hasActiveSlave()
                    ? b.activeSlave() != null && working(b, b.activeSlave(), actual)
                    : working >= Math.max(1, bc.options().minLinks()));
            boolean up = l != null && l.up() && carrying;
            View v = new View(up, working, b == null ? 0 : b.slaves().size(), b == null ? null : b.activeSlave(),
                    expectedSlaves(config, bc.name()));
            report(bc.name(), "bond", v, out);
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
                    report(serviceName(pc.address()), "address", new View(up, up ? 1 : 0, 1, up ? ifname : null, 1), out);
                }
            }
        }
        return out;
    }

    /**
     * A slave works when the bond counts it up and its link really has carrier: between a cable
     * pull and the next MII check the bond still sends on a dead link, and users notice that.
     */
    static boolean working(NetworkState.Bond b, String slave, NetworkState actual) {
        NetworkState.Link l = actual.link(slave);
        return Boolean.TRUE.equals(b.slaveUp().get(slave)) && l != null && l.carrier();
    }

    private static int working(NetworkState.Bond b, NetworkState actual) {
        int n = 0;
        for (String s : b.slaves()) if (working(b, s, actual)) n++;
        return n;
    }

    private void report(String service, String kind, View v, List<AuditEvent> out) {
        View before = last.put(service, v);
        if (Objects.equals(before, v)) return;
        out.add(AuditEvent.of("service.state").with("service", service).with("kind", kind).with("up", v.up())
                .with("working", v.working()).with("slaves", v.slaves()).with("expected", v.expected())
                .with("active", v.active()).build());
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

    View view(String service) {
        return last.get(service);
    }
}
