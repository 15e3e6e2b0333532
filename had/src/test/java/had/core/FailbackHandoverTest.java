package had.core;

import static had.core.Configs.E1000E;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.BackplaneEvent;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.NetworkChange;
import had.network.NetworkState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every move of bond0's active slave that had brings about is handed over like an extraction's:
 * the old active port, a backup from then on, keeps delivering what the switch still sends it
 * (all_slaves_active) for the quiesce window, so the simulated switch, which learns the new port
 * 50 ms after the move, loses nothing. Moves back to the primary: its card back in its slot, its
 * path answering again, its link back (after the driver's updelay). A failover off a dead path is
 * not held up by one.
 */
class FailbackHandoverTest {
    private CoreFixture f;

    private void chassis(BondOptions bond0) {
        f = CoreFixture.threeCards(Configs.supervised(bond0));
        for (String p : List.of(f.port(2, 0), f.port(2, 1), f.port(12, 0), f.port(12, 1))) f.path(p, true);
        f.advance(300); // the switch has learned bond0's port (and slot 12's comings are over)
    }

    private NetworkState.Bond bond0() {
        return f.net.read().bond("bond0");
    }

    private List<String> handoverRecords() {
        return f.audits("net.change").stream().map(e -> String.valueOf(e.fields().get("action")))
                .filter(a -> a.contains("backup slaves")).toList();
    }

    /** The move back to the primary after {@code from}: nothing lost, all_slaves_active on first. */
    private void handedOverFrom(long from) {
        assertEquals(List.of(), f.net.changeLog().losses("bond0").stream().filter(l -> l.until() - from > 0).toList(),
                "what the switch sent to the old port was delivered");
        // (The simulated switch counts a loss when the old port does not deliver at the moment of the move.)
        assertTrue(f.net.changeLog().of("bond0").stream().anyMatch(c -> c.nanos() - from >= 0
                && c instanceof NetworkChange.ActiveSlave a && f.port(2, 0).equals(a.current())), "moved back to the primary");
        f.advance(300);
        assertFalse(bond0().allSlavesActive(), "and ended after its window");
        assertEquals("net.change bond0's backup slaves drop what they receive again (handover over)",
                handoverRecords().isEmpty() ? "" : "net.change " + handoverRecords().get(handoverRecords().size() - 1));
    }


    @Test
    void thePrimaryCardBackInItsSlotTakesTheTrafficBackWithAHandover() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(300);
        f.powerOffHappened(2);
        f.pull(2);
        f.advance(300);
        assertNotEquals(null, bond0().activeSlave());
        long from = f.clock.nanos();
        f.insert(2, E1000E, 2);
        f.advance(50);
        assertEquals(f.port(2, 0), bond0().activeSlave(), "back on its primary");
        handedOverFrom(from);
    }

    @Test
    void thePrimaryWhosePathAnswersAgainTakesTheTrafficBackWithAHandover() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        String primary = f.port(2, 0);
        f.path(primary, false);
        assertNotEquals(primary, bond0().activeSlave());
        assertFalse(bond0().allSlavesActive(), "a failover off a dead path is not held up by a handover");
        assertEquals(List.of(), handoverRecords());
        f.advance(300);
        long from = f.clock.nanos();
        f.path(primary, true);
        f.advance(50);
        assertEquals(primary, bond0().activeSlave());
        handedOverFrom(from);
    }

    @Test
    void thePrimaryWhoseLinkIsBackTakesTheTrafficBackAfterItsUpdelayWithAHandover() {
        BondOptions o = BondOptions.defaults(BondMode.ACTIVE_BACKUP);
        chassis(o.with(had.network.BondOption.MIIMON, 100).with(had.network.BondOption.UPDELAY, 300).withPrimary(null));
        String primary = f.port(2, 0);
        f.net.setPhysicalLink(primary, false);
        f.send(new BackplaneEvent.LinkChanged(2, primary, false, f.clock.nanos()));
        f.advance(300);
        assertNotEquals(primary, bond0().activeSlave());
        f.advance(2000);
        assertFalse(bond0().allSlavesActive(), "no handover while the primary's link is down");
        long from = f.clock.nanos();
        f.net.setPhysicalLink(primary, true);
        f.send(new BackplaneEvent.LinkChanged(2, primary, true, f.clock.nanos()));
        assertTrue(bond0().allSlavesActive(), "the driver will take its primary back once the updelay is over");
        f.advance(500);
        assertEquals(primary, bond0().activeSlave());
        handedOverFrom(from);
    }
}
