package had.core;

import had.network.NetworkState;
import java.util.function.Predicate;

/**
 * What a working port of a bond is, in one place for everything that asks: the extraction guard,
 * the choice of a successor, the availability records, {@code hadctl bonds} and the drills that
 * read it. A slave works when it is enslaved, the bonding driver counts its link up (MII or ARP
 * monitor), its link really has carrier (between a cable pull and the driver's next check the
 * bond still sends into a dead link, and users notice), and, when its path is supervised, the
 * probes have not found the path dead.
 */
final class WorkingPort {
    private WorkingPort() {}

    static boolean working(NetworkState actual, NetworkState.Bond bond, String slave, Predicate<String> deadPath) {
        NetworkState.Link l = actual.link(slave);
        return bond.slaves().contains(slave) && Boolean.TRUE.equals(bond.slaveUp().get(slave)) && l != null
                && l.carrier() && !deadPath.test(slave);
    }

    /** The working slaves of {@code bond} that are not among {@code leaving}. */
    static int countOutside(NetworkState actual, NetworkState.Bond bond, java.util.Set<String> leaving,
                            Predicate<String> deadPath) {
        int n = 0;
        for (String s : bond.slaves()) if (!leaving.contains(s) && working(actual, bond, s, deadPath)) n++;
        return n;
    }
}
