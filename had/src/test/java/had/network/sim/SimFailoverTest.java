package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.BondMode;
import had.network.MiiStatus;
import had.network.NetworkException;
import had.network.PrimaryReselect;
import org.junit.jupiter.api.Test;

/** Active-backup under the MII monitor: delays counted in monitor periods, and who becomes active. */
class SimFailoverTest extends SimFixture {

    /** A settled bond0 of eth0 and eth1; returns with the clock 50 ms past a monitor run. */
    private void settled(int updelay, int downdelay, String primary, PrimaryReselect reselect) {
        ports("eth0", "eth1", "eth2");
        bond("bond0", withReselect(miimon(BondMode.ACTIVE_BACKUP, 100, updelay, downdelay), primary, reselect),
                "eth0", "eth1");
        millis(1000);
        millis(50);
    }

    @Test
    void downdelayIsCountedFromTheFirstRunThatSeesTheLinkGone() {
        settled(200, 300, null, PrimaryReselect.ALWAYS);
        assertEquals("eth0", active("bond0"));
        long cut = nowNanos();
        net.setPhysicalLink("eth0", false);

        millis(49);
        assertEquals(MiiStatus.UP, net.miiStatus("bond0", "eth0"));
        millis(1); // the next run sees it
        assertEquals(MiiStatus.FAIL, net.miiStatus("bond0", "eth0"));
        millis(299);
        assertEquals(MiiStatus.FAIL, net.miiStatus("bond0", "eth0"));
        assertEquals("eth0", active("bond0"), "still active while going down");
        millis(1); // 300 ms after it was first seen
        assertEquals(MiiStatus.DOWN, net.miiStatus("bond0", "eth0"));
        assertEquals("eth1", active("bond0"));
        assertEquals(cut + 350_000_000L, net.changeLog().of("bond0").get(net.changeLog().of("bond0").size() - 1).nanos());
    }

    @Test
    void updelayIsCountedFromTheFirstRunThatSeesTheLinkBack() {
        settled(200, 0, null, PrimaryReselect.ALWAYS);
        net.setPhysicalLink("eth0", false);
        millis(100);
        assertEquals("eth1", active("bond0"));

        net.setPhysicalLink("eth0", true);
        millis(100); // seen by the run 50 ms after the plug, 50 ms ago
        assertEquals(MiiStatus.BACK, net.miiStatus("bond0", "eth0"));
        millis(149);
        assertEquals(MiiStatus.BACK, net.miiStatus("bond0", "eth0"));
        millis(1);
        assertEquals(MiiStatus.UP, net.miiStatus("bond0", "eth0"));
        assertEquals("eth1", active("bond0"), "without a primary the working active slave stays");
    }

    @Test
    void delaysAreRoundedDownToWholeMonitorPeriods() {
        settled(250, 199, null, PrimaryReselect.ALWAYS);
        assertEquals(200, net.read().bond("bond0").options().updelay());
        assertEquals(100, net.read().bond("bond0").options().downdelay());
    }

    @Test
    void aBondWithNothingActiveTakesTheFirstLinkBackAtOnceIgnoringUpdelay() {
        settled(5000, 0, null, PrimaryReselect.ALWAYS);
        net.setPhysicalLink("eth0", false);
        net.setPhysicalLink("eth1", false);
        millis(100);
        assertNull(active("bond0"));
        assertFalse(net.read().link("bond0").carrier());

        net.setPhysicalLink("eth1", true);
        millis(100);
        assertEquals("eth1", active("bond0"));
        assertTrue(net.read().link("bond0").carrier());
    }

    @Test
    void primaryAlwaysTakesOverAgainOnceItIsUp() {
        settled(200, 0, "eth0", PrimaryReselect.ALWAYS);
        net.setPhysicalLink("eth0", false);
        millis(100);
        assertEquals("eth1", active("bond0"));
        net.setPhysicalLink("eth0", true);
        millis(200);
        assertEquals("eth1", active("bond0"), "not before its updelay ran out");
        millis(100);
        assertEquals("eth0", active("bond0"));
    }

    @Test
    void primaryFailureWaitsUntilTheCurrentActiveSlaveFails() {
        settled(0, 0, "eth0", PrimaryReselect.FAILURE);
        net.setPhysicalLink("eth0", false);
        millis(100);
        net.setPhysicalLink("eth0", true);
        millis(500);
        assertEquals("eth1", active("bond0"));
        net.setPhysicalLink("eth1", false);
        millis(100);
        assertEquals("eth0", active("bond0"));
    }

    @Test
    void primaryBetterTakesOverOnlyWhenFaster() {
        net.addPort("eth0", 1500, 9000, 10_000);
        net.addPort("eth1", 1500, 9000, 1_000);
        net.addPort("eth2", 1500, 9000, 10_000);
        net.addPort("eth3", 1500, 9000, 10_000);
        bond("fast", withReselect(miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", PrimaryReselect.BETTER),
                "eth0", "eth1");
        bond("even", withReselect(miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth2", PrimaryReselect.BETTER),
                "eth2", "eth3");
        millis(500);
        for (String p : new String[] {"eth0", "eth2"}) net.setPhysicalLink(p, false);
        millis(100);
        for (String p : new String[] {"eth0", "eth2"}) net.setPhysicalLink(p, true);
        millis(300);
        assertEquals("eth0", active("fast"), "10G primary beats the 1G slave");
        assertEquals("eth3", active("even"), "an equally fast primary does not take over");
    }

    @Test
    void activeSlaveCanOnlyBeSetToASlaveThatIsUp() {
        settled(0, 0, null, PrimaryReselect.ALWAYS);
        net.setPhysicalLink("eth1", false);
        millis(100);
        NetworkException e = assertThrows(NetworkException.class, () -> net.setActiveSlave("bond0", "eth1"));
        assertTrue(e.getMessage().startsWith("bond0: cannot make eth1 active: Could not set as active slave"),
                e.getMessage());
        net.setPhysicalLink("eth1", true);
        millis(100);
        net.setActiveSlave("bond0", "eth1");
        assertEquals("eth1", active("bond0"));
        assertThrows(NetworkException.class, () -> net.setActiveSlave("bond0", "eth2"), "not a slave");
    }

    @Test
    void enslaveReselectsTheFirstUpSlaveAsLinux6Does() {
        settled(0, 0, null, PrimaryReselect.ALWAYS);
        net.setPhysicalLink("eth0", false);
        millis(100);
        net.setPhysicalLink("eth0", true);
        millis(100);
        assertEquals("eth1", active("bond0"));
        net.enslave("bond0", "eth2");
        assertEquals("eth0", active("bond0"), "6.x treats the first up slave as primary on reselection");
    }

    @Test
    void removingTheActiveSlavesPortFailsOverAtOnce() {
        settled(0, 300, null, PrimaryReselect.ALWAYS);
        net.removePort("eth0");
        assertEquals("eth1", active("bond0"), "no monitor run needed: the device is gone");
        assertEquals(java.util.List.of("eth1"), net.read().bond("bond0").slaves());
        assertNull(net.read().link("eth0"));
    }

    @Test
    void aMonitorlessBondTrustsEverySlave() {
        ports("eth0", "eth1");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 0, 0, 0), "eth0", "eth1");
        net.setPhysicalLink("eth0", false);
        millis(10_000);
        assertEquals("eth0", active("bond0"), "nobody watches the link");
    }
}
