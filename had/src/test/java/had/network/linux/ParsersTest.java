package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import had.network.MiiStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsersTest {
    @Test
    void procBondingGivesEachSlavesOwnStatusNotTheBonds() {
        String text = """
                MII Status: up
                MII Polling Interval (ms): 100

                Slave Interface: eth0.253
                MII Status: going down
                Speed: 1000 Mbps

                Slave Interface: eth1.253
                MII Status: down
                """;
        assertEquals(Map.of("eth0.253", MiiStatus.FAIL, "eth1.253", MiiStatus.DOWN), ProcBonding.slaveStatus(text));
    }
}
