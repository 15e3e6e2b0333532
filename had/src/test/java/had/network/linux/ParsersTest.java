package had.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import had.network.MiiStatus;
import had.network.NetworkException;
import java.util.List;
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

    @Test
    void jsonReadsWhatIpPrints() {
        Object v = Json.parse("[{\"a\":\"x\\\"y\",\"n\":-3,\"f\":1.5,\"t\":true,\"z\":null,\"l\":[]}]");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("x\"y", m.get("a"));
        assertEquals(-3L, m.get("n"));
        assertEquals(1.5, m.get("f"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(List.of(), m.get("l"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,"));
    }

    @Test
    void addressOutputThatIsNotJsonIsAnError() {
        assertThrows(NetworkException.class, () -> IpAddresses.parse("Device \"x\" does not exist."));
    }
}
