package had.core;

import had.network.NetworkState;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which slave takes over before a card is extracted: the bond's primary if it works and is not
 * leaving, else the first working slave in enslavement order that is not leaving — the same
 * preference the bonding driver itself applies when it reselects. A slave whose path the probes
 * found dead ({@code deadPath}) does not work, whatever its link says.
 */
final class ActiveSlaveChoice {
    private ActiveSlaveChoice() {}

    /** @return the new active slave, or null when no working slave would remain */
    static String successor(NetworkState.Bond bond, Set<String> leaving, Predicate<String> deadPath) {
        String primary = bond.options().primary();
        if (primary != null && !leaving.contains(primary) && working(bond, primary, deadPath)) return primary;
        for (String s : bond.slaves()) if (!leaving.contains(s) && working(bond, s, deadPath)) return s;
        return null;
    }

    static int workingOutside(NetworkState.Bond bond, Set<String> leaving, Predicate<String> deadPath) {
        int n = 0;
        for (String s : bond.slaves()) if (!leaving.contains(s) && working(bond, s, deadPath)) n++;
        return n;
    }

    private static boolean working(NetworkState.Bond bond, String slave, Predicate<String> deadPath) {
        return bond.slaves().contains(slave) && Boolean.TRUE.equals(bond.slaveUp().get(slave)) && !deadPath.test(slave);
    }
}
