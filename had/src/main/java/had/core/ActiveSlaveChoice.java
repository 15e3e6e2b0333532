package had.core;

import had.network.NetworkState;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which slave takes over before a card is extracted: the bond's primary if it works and is not
 * leaving, else the first working slave in enslavement order that is not leaving — the same
 * preference the bonding driver itself applies when it reselects. Working is {@link WorkingPort}'s.
 */
final class ActiveSlaveChoice {
    private ActiveSlaveChoice() {}

    /** @return the new active slave, or null when no working slave would remain */
    static String successor(NetworkState actual, NetworkState.Bond bond, Set<String> leaving, Predicate<String> deadPath) {
        String primary = bond.options().primary();
        if (primary != null && !leaving.contains(primary) && WorkingPort.working(actual, bond, primary, deadPath)) {
            return primary;
        }
        for (String s : bond.slaves()) if (!leaving.contains(s) && WorkingPort.working(actual, bond, s, deadPath)) return s;
        return null;
    }
}
