package had.core;

import had.backplane.PathProbes;
import had.backplane.PathState;
import had.config.BondConfig;
import had.config.ChassisConfig;
import had.network.NetworkState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The configured bonds as status output shows them: what the kernel has, what the probes and the service records say. */
final class BondViews {
    private BondViews() {
    }

    /**
     * Each bond of {@code config} in {@code actual}; the ports had keeps out of a bond for their
     * dead path ({@code applied}) are listed with it, not enslaved.
     */
    static List<BondView> of(ChassisConfig config, NetworkState actual, DesiredState applied, Paths paths,
                             ServiceWatch services, InterfaceIndex index) {
        Map<String, PathProbes.Status> probeStatus = paths.status();
        List<BondView> out = new ArrayList<>();
        for (BondConfig bc : config.bonds().values()) {
            NetworkState.Bond b = actual.bond(bc.name());
            NetworkState.Link l = actual.link(bc.name());
            ServiceWatch.View v = services.view(bc.name());
            List<BondView.SlaveView> slaves = new ArrayList<>();
            if (b != null) {
                for (String name : b.slaves()) {
                    NetworkState.Link sl = actual.link(name);
                    InterfaceIndex.Place where = index.placeOf(name);
                    PathProbes.Status ps = probeStatus.get(name);
                    PathState path = !bc.supervised() ? null : paths.watched(name) ? paths.state(name) : PathState.UNKNOWN;
                    slaves.add(new BondView.SlaveView(name, where.slot(), where.port(), Boolean.TRUE.equals(b.slaveUp().get(name)),
                            sl != null && sl.carrier(), services.working(b, name, actual), path,
                            ps == null ? 0 : ps.rttNanos(), true));
                }
            }
            DesiredState.Bond d = applied.bonds().get(bc.name());
            for (String name : d == null ? Set.<String>of() : d.outOfBond()) {
                if (b != null && b.slaves().contains(name)) continue;
                NetworkState.Link sl = actual.link(name);
                PathProbes.Status ps = probeStatus.get(name);
                InterfaceIndex.Place where = index.placeOf(name);
                slaves.add(new BondView.SlaveView(name, where.slot(), where.port(), false, sl != null && sl.carrier(), false,
                        paths.state(name), ps == null ? 0 : ps.rttNanos(), false));
            }
            int working = (int) slaves.stream().filter(BondView.SlaveView::working).count();
            out.add(new BondView(bc.name(), b != null, l != null && l.up(), v != null && v.up(),
                    b == null ? bc.options() : b.options(), slaves, b == null ? null : b.activeSlave(), working,
                    ServiceWatch.expectedSlaves(config, bc.name())));
        }
        return out;
    }
}
