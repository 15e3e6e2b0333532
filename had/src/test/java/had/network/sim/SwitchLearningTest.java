package had.network.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import had.network.BondMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What moving a bond's active slave costs while the switch learns the new port. */
class SwitchLearningTest extends SimFixture {
    private void settled() {
        ports("eth0", "eth1");
        bond("bond0", miimon(BondMode.ACTIVE_BACKUP, 100, 0, 0), "eth0", "eth1");
        millis(1000);
        assertEquals("eth0", active("bond0"));
    }

    @Test
    void releasingTheActiveSlaveLosesWhatTheSwitchSendsItUntilItLearns() {
        settled();
        long t = nowNanos();
        net.release("bond0", "eth0");
        assertEquals("eth1", active("bond0"), "the driver picks a successor at once");
        assertEquals(0, net.changeLog().nanosWithoutWorkingSlave("bond0", t, nowNanos() + 1), "the bond never shows a gap");
        assertEquals(List.of(new ChangeLog.Loss("bond0", "eth0", t, t + SwitchLearning.LEARN_NANOS, ChangeLog.Loss.Where.RELEASED)),
                net.changeLog().losses("bond0"));
        assertEquals(SwitchLearning.LEARN_NANOS, net.changeLog().nanosTrafficLost("bond0", t, t + 1_000_000_000L));
    }

    @Test
    void aHandoverKeptUntilTheSwitchLearnedCostsNothing() {
        settled();
        net.setAllSlavesActive("bond0", true);
        net.setActiveSlave("bond0", "eth1");
        millis(SwitchLearning.LEARN_NANOS / 1_000_000);
        net.release("bond0", "eth0");
        net.setAllSlavesActive("bond0", false);
        assertEquals(List.of(), net.changeLog().losses("bond0"));
    }

    @Test
    void aHandoverWithoutAllSlavesActiveLosesOnTheOldPortNowABackup() {
        settled();
        long t = nowNanos();
        net.setActiveSlave("bond0", "eth1");
        assertEquals(List.of(new ChangeLog.Loss("bond0", "eth0", t, t + SwitchLearning.LEARN_NANOS, ChangeLog.Loss.Where.BACKUP)),
                net.changeLog().losses("bond0"));
    }

    @Test
    void releasingTheOldPortBeforeTheSwitchLearnedLosesTheRest() {
        settled();
        net.setAllSlavesActive("bond0", true);
        long t = nowNanos();
        net.setActiveSlave("bond0", "eth1");
        millis(20);
        net.release("bond0", "eth0");
        assertEquals(List.of(new ChangeLog.Loss("bond0", "eth0", t + 20_000_000L, t + SwitchLearning.LEARN_NANOS,
                ChangeLog.Loss.Where.RELEASED)), net.changeLog().losses("bond0"));
    }
}
