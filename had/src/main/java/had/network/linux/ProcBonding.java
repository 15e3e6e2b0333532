package had.network.linux;

import had.network.MiiStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the per-slave part of /proc/net/bonding/BOND: each "Slave Interface:" block's
 * "MII Status:" line, which is the driver's own view of that slave (up, going down, down, going back).
 */
final class ProcBonding {
    private ProcBonding() {
    }

    static Map<String, MiiStatus> slaveStatus(String text) {
        Map<String, MiiStatus> status = new LinkedHashMap<>();
        String slave = null;
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.startsWith("Slave Interface:")) {
                slave = l.substring("Slave Interface:".length()).trim();
            } else if (slave != null && l.startsWith("MII Status:")) {
                String words = l.substring("MII Status:".length()).trim();
                status.put(slave, MiiStatus.parse(words).orElse(MiiStatus.DOWN));
                slave = null;
            }
        }
        return status;
    }
}
