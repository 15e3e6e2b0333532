package had.core;

import had.network.NetworkState;
import java.util.Set;

/**
 * Which slave takes over before a card is extracted: the bond's primary if it works and is not
 * leaving, else the first working slave in enslavement order that is not leaving — the same
 * preference the bonding driver itself applies when it reselects.
 */
final class ActiveSlaveChoice {
    private ActiveSlaveChoice() {}

    /** @return the new active slave, or null when no working slave would remain */
    static String successor(NetworkState.Bond bond, Set<String> leaving) {
        String primary = bond.options().primary();
        if (primary != null && !leaving.contains(primary) && working(bond, primary)) return primary;
        for (String s : bond.slaves()) if (!leaving.contains(s) && working(bond, s)) return s;
        return null;
    }

    static int workingOutside(NetworkState.Bond bond, Set<String> leaving) {
        int n = 0;
        for (String s : bond.slaves()) if (!leaving.contains(s) && working(bond, s)) n++;
        return n;
    }

    private static boolean working(NetworkState.Bond bond, String slave) {
        return bond.slaves().contains(slave) && Boolean.TRUE.equals(bond.slaveUp().get(slave));
    }
}
