package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.BondMode;
import had.network.MiiStatus;
import had.network.NetworkChange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What listeners hear, and what the log says about an interval. */
class SimChangeLogTest extends SimFixture {

    /** Card A holds eth0/eth1, card B eth2/eth3; bond0 has one port of each. */
    private void chassis() {
        ports("eth0", "eth1", "eth2", "eth3");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", "eth2");
        millis(1000);
    }

    @Test
    void listenersHearFailoverAndLossOfCarrierWithTheirInstant() {
        chassis();
        List<NetworkChange> heard = new ArrayList<>();
        net.onChange(heard::add);
        millis(50);
        long run = nowNanos() + 50_000_000L;
        net.setPhysicalLink("eth0", false);
        millis(100);
        // Without downdelay the driver goes from up to down in one run, never "going down".
        assertEquals(List.of(
                new NetworkChange.SlaveLink(run, "bond0", "eth0", MiiStatus.UP, MiiStatus.DOWN),
                new NetworkChange.ActiveSlave(run, "bond0", "eth0", "eth2")), heard);

        heard.clear();
        net.setPhysicalLink("eth2", false);
        millis(100);
        long run2 = run + 100_000_000L;
        assertEquals(List.of(
                new NetworkChange.SlaveLink(run2, "bond0", "eth2", MiiStatus.UP, MiiStatus.DOWN),
                new NetworkChange.ActiveSlave(run2, "bond0", "eth2", null),
                new NetworkChange.BondCarrier(run2, "bond0", false)), heard);
    }

    @Test
    void aPlannedExtractionKeepsAWorkingSlaveAtEveryInstant() {
        chassis();
        long from = nowNanos();
        // The daemon quiesces card A: active slave to card B first, then release and pull.
        net.setActiveSlave("bond0", "eth2");
        net.release("bond0", "eth0");
        millis(10);
        net.removePort("eth0");
        net.removePort("eth1");
        millis(5000);
        net.addPort("eth0", 1500);
        net.addPort("eth1", 1500);
        net.enslave("bond0", "eth0");
        millis(1000);
        long to = nowNanos();
        ChangeLog log = net.changeLog();
        assertTrue(log.minWorkingSlaves("bond0", from, to) >= 1);
        assertEquals(0, log.nanosWithoutWorkingSlave("bond0", from, to));
        assertEquals(2, net.read().bond("bond0").slavesMiiUp());
    }

    @Test
    void aSurpriseRemovalOfBothCardsIsAnOutageOfMeasuredLength() {
        chassis();
        long from = nowNanos();
        net.removePort("eth0");
        net.removePort("eth2");
        millis(2500);
        net.addPort("eth2", 1500);
        net.enslave("bond0", "eth2");
        millis(500);
        ChangeLog log = net.changeLog();
        assertEquals(0, log.minWorkingSlaves("bond0", from, nowNanos()));
        assertEquals(2_500_000_000L, log.nanosWithoutWorkingSlave("bond0", from, nowNanos()));
    }

    @Test
    void aLongRunIsFoldedIntoTheStateItLeftAndStillReplaysRight() {
        ChangeLog log = new ChangeLog();
        log.add(new NetworkChange.SlaveAdded(1, "bond0", "eth0", MiiStatus.UP));
        log.add(new NetworkChange.SlaveAdded(1, "bond0", "eth1", MiiStatus.UP));
        long t = 2;
        for (int i = 0; i < 3 * ChangeLog.HELD; i++, t++) {
            boolean up = i % 2 == 1;
            log.add(new NetworkChange.SlaveLink(t, "bond0", "eth1", up ? MiiStatus.DOWN : MiiStatus.UP, up ? MiiStatus.UP : MiiStatus.DOWN));
        }
        assertTrue(log.all().size() <= 2 * ChangeLog.HELD, "bounded: " + log.all().size());
        // eth0, enslaved long before the oldest change held, still counts; eth1 flaps
        assertEquals(1, log.minWorkingSlaves("bond0", t - 10, t));
        assertEquals(0, log.nanosWithoutWorkingSlave("bond0", t - 10, t));
    }
}
