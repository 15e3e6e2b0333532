package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.MiiStatus;
import org.junit.jupiter.api.Test;

/** A switch that keeps its links up but passes nothing: only the ARP monitor sees it. */
class SimArpMonitorTest extends SimFixture {

    /** bond0: miimon over eth0/eth1; bond1: ARP every 500 ms over eth2/eth3. Ends 100 ms past an ARP run. */
    private void twoBonds() {
        ports("eth0", "eth1", "eth2", "eth3");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", "eth1");
        bond("bond1", arp(500, ArpValidate.ALL, null, "10.0.1.254"), "eth2", "eth3");
        millis(3000);
        millis(100);
        assertEquals("eth0", active("bond0"));
        assertEquals("eth2", active("bond1"));
        assertEquals(MiiStatus.UP, net.miiStatus("bond1", "eth3"));
    }

    @Test
    void aBrokenPathIsMissedByMiimonAndCaughtByArpAfterMissedMaxIntervals() {
        twoBonds();
        net.setPathReachable("eth0", false);
        net.setPathReachable("eth2", false);
        // Last answer came with the run 100 ms ago; the active slave is declared down once more
        // than arp_missed_max (2) intervals and a half have passed since: at the third run.
        millis(1399);
        assertEquals("eth2", active("bond1"));
        millis(1);
        assertEquals(MiiStatus.DOWN, net.miiStatus("bond1", "eth2"));
        assertEquals("eth3", active("bond1"));
        assertTrue(net.read().link("bond1").carrier());

        millis(60_000);
        assertEquals("eth0", active("bond0"), "carrier never went: miimon sees nothing wrong");
        assertEquals(MiiStatus.UP, net.miiStatus("bond0", "eth0"));
    }

    @Test
    void aBackupIsGivenOneIntervalMore() {
        twoBonds();
        net.setPathReachable("eth3", false);
        millis(1899);
        assertEquals(MiiStatus.UP, net.miiStatus("bond1", "eth3"));
        millis(1);
        assertEquals(MiiStatus.DOWN, net.miiStatus("bond1", "eth3"));
        assertEquals("eth2", active("bond1"));
    }

    @Test
    void aRepairedPathComesBackWithinTwoIntervals() {
        twoBonds();
        net.setPathReachable("eth2", false);
        millis(2000);
        assertEquals("eth3", active("bond1"));
        net.setPathReachable("eth2", true);
        millis(1000);
        assertEquals(MiiStatus.UP, net.miiStatus("bond1", "eth2"));
        assertEquals("eth3", active("bond1"), "no primary: the working active slave stays");
    }

    @Test
    void carrierLossIsAlsoCaughtByTheArpMonitor() {
        twoBonds();
        net.setPhysicalLink("eth2", false);
        millis(1400);
        assertEquals("eth3", active("bond1"));
    }

    @Test
    void withoutTargetsNothingAnswersAndTheBondGoesDown() {
        ports("eth0");
        bond("bond0", arp(500, ArpValidate.NONE, null), "eth0");
        millis(5000);
        assertEquals(MiiStatus.DOWN, net.miiStatus("bond0", "eth0"));
        assertEquals(false, net.read().link("bond0").carrier());
    }
}
