package had.network.linux;

import java.util.ArrayList;
import java.util.List;

/** Where the bonding driver keeps a bond's files in sysfs, and how it lists names in them. */
final class BondFiles {
    private BondFiles() {
    }

    static String dir(String bond) {
        return "sys/class/net/" + bond + "/bonding/";
    }

    /** A list file (slaves, bonding_masters): names separated by spaces, possibly none. */
    static List<String> words(String text) {
        List<String> w = new ArrayList<>();
        for (String s : text.trim().split("\\s+")) if (!s.isEmpty()) w.add(s);
        return w;
    }
}
