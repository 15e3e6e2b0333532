package had.network.linux;

import java.util.ArrayList;
import java.util.List;

/** Where the bonding driver keeps a bond's files (sysfs) and its report on it (procfs), and what the report lists. */
final class BondFiles {
    private BondFiles() {
    }

    static String dir(String bond) {
        return "sys/class/net/" + bond + "/bonding/";
    }

    /** The driver's report on a bond, which it writes under RCU. */
    static String report(String bond) {
        return "proc/net/bonding/" + bond;
    }

    /**
     * The slaves a report lists, in the driver's order (the order it picks a new active slave in).
     * Not from sysfs: its "slaves" file takes the rtnl lock or restarts the read at once, so a
     * read spins for as long as the kernel holds rtnl (a card's removal: hundreds of ms under
     * emulation), at had's priority, against the work that holds it.
     */
    static List<String> slavesIn(String report) {
        List<String> slaves = new ArrayList<>();
        for (String line : report.split("\n")) {
            if (line.startsWith("Slave Interface: ")) slaves.add(line.substring("Slave Interface: ".length()).trim());
        }
        return slaves;
    }
}
