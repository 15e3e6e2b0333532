package had.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BondOptionPlanTest {
    private static BondOptions mii(int miimon, int updelay) {
        return BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.MIIMON, miimon).with(BondOption.UPDELAY, updelay);
    }

    private static List<String> plan(BondOptions now, BondOptions wanted, boolean slaves, boolean up) {
        return BondOptionPlan.plan("bond0", now, wanted, slaves, up).stream().map(Object::toString).toList();
    }

    @Test
    void nothingDiffersNothingIsWritten() {
        assertEquals(List.of(), plan(mii(100, 200), mii(100, 200), true, true));
    }

    @Test
    void aDelayThatRoundsToWhatIsThereIsNotRewritten() {
        assertEquals(List.of(), plan(mii(100, 200), mii(100, 250), true, true));
    }

    @Test
    void aNewMiimonRewritesTheDelaysBecauseTheDriverKeepsThemInPeriods() {
        assertEquals(List.of("miimon=50", "updelay=200", "downdelay=0"), plan(mii(100, 200), mii(50, 200), true, true));
    }

    @Test
    void refusalsComeBeforeAnyWrite() {
        BondOptions rr = BondOptions.defaults(BondMode.BALANCE_RR).withPrimary("eth0");
        assertEquals("bond0: option primary: mode dependency failed, not supported in mode balance-rr(0)",
                assertThrows(NetworkException.class, () -> plan(mii(100, 0), rr, false, false)).getMessage());
        assertTrue(assertThrows(NetworkException.class, () -> plan(mii(100, 0), mii(0, 200), false, false))
                .getMessage().contains("MII monitoring is disabled"));
    }

    @Test
    void leavingArpMonitoringTurnsItOffBeforeMiimonComesBack() throws Exception {
        BondOptions arp = BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.MIIMON, 0).with(BondOption.ARP_INTERVAL, 500)
                .with(BondOption.ARP_IP_TARGET, List.of((java.net.Inet4Address) java.net.InetAddress.getByName("10.0.0.1")))
                .with(BondOption.ARP_VALIDATE, ArpValidate.ALL);
        assertEquals(List.of("arp_interval=0", "miimon=100", "arp_ip_target=-10.0.0.1", "updelay=0", "downdelay=0",
                "arp_validate=none"), plan(arp, mii(100, 0), true, true));
    }
}
