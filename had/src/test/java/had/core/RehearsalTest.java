package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.network.BondMode;
import had.network.BondOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * had rehearses its reaction to the loss of a supervised active slave's path a quiet second after
 * the active slaves change: it plans the move and changes nothing, records nothing.
 */
class RehearsalTest {
    private CoreFixture f;

    private String activeOfBond0() {
        return f.net.read().bond("bond0").activeSlave();
    }

    /** The slave the plan makes bond0's active one (by its primary or by writing it), or null. */
    private static String movedTo(List<Action> plan) {
        String to = null;
        for (Action a : plan) {
            if (a instanceof Action.SetActiveSlave s && s.bond().equals("bond0")) to = s.ifname();
            if (a instanceof Action.SetBondOptions o && o.bond().equals("bond0") && to == null) to = o.options().primary();
        }
        return to;
    }

    @Test
    void theLossOfTheActiveSlavesPathIsPlannedAQuietSecondLaterAndNothingIsChanged() {
        f = CoreFixture.threeCards(Configs.supervised(BondOptions.defaults(BondMode.ACTIVE_BACKUP)));
        String primary = f.port(2, 0);
        f.advance(Rehearsal.QUIET_NANOS / 1_000_000 + 100);
        Map<String, List<Action>> plans = f.chassis.rehearsed();
        assertEquals(List.of(primary), List.copyOf(plans.keySet()), "the one supervised active slave, rehearsed");
        String to = movedTo(plans.get(primary));
        assertTrue(to != null && !to.equals(primary), "the move off it is planned: " + plans.get(primary));

        int records = f.audit.size();
        f.advance(3_000);
        assertEquals(primary, activeOfBond0(), "a rehearsal moves nothing");
        assertEquals(records, f.audit.size(), "a rehearsal records nothing, and is not repeated: " + f.types());
        assertEquals(0, f.audits("bond.active").size());
    }

    @Test
    void thePlannedExtractionOfTheCardWithTheActiveSlaveIsRehearsedAndNothingIsChanged() {
        f = CoreFixture.threeCards(Configs.supervised(BondOptions.defaults(BondMode.ACTIVE_BACKUP)));
        String primary = f.port(2, 0);
        int records = f.audit.size();
        f.advance(Rehearsal.QUIET_NANOS / 1_000_000 + 100);
        Map<Integer, List<Action>> plans = f.chassis.rehearsedExtractions();
        assertEquals(List.of(2), List.copyOf(plans.keySet()), "slot 2 carries bond0's active slave; no other slot does");
        List<Action> plan = plans.get(2);
        String to = movedTo(plan);
        assertTrue(to != null && !f.chassis.slotView(2).ports().containsValue(to), "the handover off slot 2: " + plan);
        assertTrue(plan.stream().anyMatch(a -> a instanceof Action.SetAllSlavesActive), "its backup slaves deliver meanwhile: " + plan);
        for (String p : List.of(primary, f.port(2, 1))) {
            assertTrue(plan.contains(new Action.Release("bond0", p)), "then slot 2's " + p + " leaves bond0: " + plan);
        }
        assertEquals(primary, activeOfBond0(), "a rehearsal moves nothing");
        assertEquals(4, f.net.read().bond("bond0").slaves().size(), "and releases nothing");
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(records, f.audit.size(), "and records nothing: " + f.types());
    }

    @Test
    void aMoveOfTheActiveSlaveIsRehearsedAgainFromTheNewOne() {
        f = CoreFixture.threeCards(Configs.supervised(BondOptions.defaults(BondMode.ACTIVE_BACKUP)));
        for (String p : List.of(f.port(2, 0), f.port(2, 1), f.port(12, 0), f.port(12, 1))) f.path(p, true);
        f.advance(1_500);
        String primary = f.port(2, 0);
        f.path(primary, false);
        String now = activeOfBond0();
        assertNotEquals(primary, now);
        f.advance(500);
        assertEquals(List.of(primary), List.copyOf(f.chassis.rehearsed().keySet()), "not yet: the quiet second");
        f.advance(700);
        assertEquals(List.of(now), List.copyOf(f.chassis.rehearsed().keySet()));
        String to = movedTo(f.chassis.rehearsed().get(now));
        assertTrue(to != null && !to.equals(now) && !to.equals(primary),
                "off the new active slave, never back to the dead path: " + f.chassis.rehearsed());
        assertEquals(now, activeOfBond0());
    }
}
