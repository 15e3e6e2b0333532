package had.core;

import had.backplane.PathProbes;
import had.backplane.PathState;
import had.backplane.PathSupervision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A prober that only remembers what it was asked to probe; the test sends the verdicts. */
final class FakeProbes implements PathProbes {
    final Map<String, PathSupervision> watched = new LinkedHashMap<>();
    final Map<String, String> bondOf = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    final Set<String> held = new HashSet<>();
    /** A prober that fails every hold (a closed or mismatched bridge). */
    boolean refuseHolds;

    @Override
    public void watch(String ifname, String bond, PathSupervision spec) {
        watched.put(ifname, spec);
        bondOf.put(ifname, bond);
        calls.add("watch " + ifname + " " + bond);
    }

    @Override
    public void unwatch(String ifname) {
        watched.remove(ifname);
        bondOf.remove(ifname);
        calls.add("unwatch " + ifname);
    }

    @Override
    public void hold(String ifname, boolean held) {
        if (!watched.containsKey(ifname)) return;
        if (refuseHolds) throw new IllegalStateException("the prober is closed");
        calls.add((held ? "hold " : "unhold ") + ifname);
        if (held) this.held.add(ifname);
        else this.held.remove(ifname);
    }

    @Override
    public Map<String, Status> paths() {
        Map<String, Status> out = new LinkedHashMap<>();
        for (String ifname : watched.keySet()) {
            out.put(ifname, new Status(ifname, bondOf.get(ifname), PathState.UNKNOWN, 150_000, 10, 10, "10.0.1.100"));
        }
        return out;
    }
}
