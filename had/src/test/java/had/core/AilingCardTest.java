package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import had.backplane.BackplaneEvent;
import had.backplane.PciFunction;
import had.config.ChassisConfig;
import had.config.HotSwapPolicy;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.NetworkState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A card whose PCIe errors say it is failing has its traffic moved to other cards before it
 * fails: hitless (handed over as an extraction's move is), its attention lit, its power left on.
 */
class AilingCardTest {
    private static ChassisConfig with(ChassisConfig c, HotSwapPolicy hotswap) {
        return new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(), c.configs(), c.slots(), c.drivers(),
                hotswap);
    }

    private static void errors(CoreFixture f, int slot, long correctable, long nonfatal, long fatal) {
        PciFunction fn = CoreFixture.card(slot, Configs.E1000E, 2).get(0);
        f.send(new BackplaneEvent.AerErrors(slot, fn, correctable, nonfatal, fatal, f.clock.nanos()));
    }

    private static NetworkState.Bond bond0(CoreFixture f) {
        return f.net.read().bond("bond0");
    }

    @Test
    void correctableErrorsPastTheLimitMoveTheTrafficOffTheCardHitlessly() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216()); // the defaults: more than 10 in 60 s
        assertEquals(f.port(2, 0), bond0(f).activeSlave());
        errors(f, 2, 6, 0, 0);
        f.advance(10_000);
        errors(f, 2, 4, 0, 0); // 10: not more than the limit
        assertNull(f.chassis.slotView(2).ailing());
        assertEquals(f.port(2, 0), bond0(f).activeSlave());
        errors(f, 2, 1, 0, 0); // the 11th within the minute
        String cause = f.chassis.slotView(2).ailing();
        assertEquals("11 correctable PCIe errors within 60000 ms on 0000:02:00.0 (aer_limit 10)", cause);
        assertEquals(cause, f.audits("card.ailing").get(0).fields().get("cause"));
        assertTrue(f.chassis.slotView(2).attention());
        assertTrue(List.of(f.port(12, 0), f.port(12, 1)).contains(bond0(f).activeSlave()), "on slot 12 now: " + bond0(f).activeSlave());
        assertTrue(bond0(f).allSlavesActive(), "handed over: frames still reaching slot 2's ports are delivered");
        f.advance(1_000);
        assertFalse(bond0(f).allSlavesActive(), "the handover ends after its window");
        assertEquals(0, f.net.changeLog().losses("bond0").size(), f.net.changeLog().losses("bond0").toString());
        assertEquals(4, bond0(f).slaves().size(), "its ports stay in the bond as backups");
        assertEquals(SlotState.ACTIVE, f.state(2), "still in service, powered: the operator decides");
        verify(f.backplane, never()).powerOff(anyInt());
        f.advance(5_000);
        assertTrue(List.of(f.port(12, 0), f.port(12, 1)).contains(bond0(f).activeSlave()), "and it stays off the card");
    }

    @Test
    void withoutAPrimaryHadMovesTheActiveSlaveItself() {
        ChassisConfig c = Configs.motorola8216();
        had.config.BondConfig b = c.bonds().get("bond0");
        java.util.Map<String, had.config.BondConfig> bonds = new java.util.LinkedHashMap<>(c.bonds());
        bonds.put("bond0", new had.config.BondConfig(b.name(), b.addresses(), b.mtu(), b.options(), null, b.paths(), b.line()));
        CoreFixture f = CoreFixture.threeCards(new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), bonds,
                c.configs(), c.slots(), c.drivers()));
        String before = bond0(f).activeSlave();
        int slot = f.chassis.slotView(2).ports().containsValue(before) ? 2 : 12;
        errors(f, slot, 0, 1, 0);
        String after = bond0(f).activeSlave();
        assertFalse(f.chassis.slotView(slot).ports().containsValue(after), "off slot " + slot + ": " + before + " -> " + after);
        assertTrue(bond0(f).allSlavesActive(), "handed over");
    }

    @Test
    void errorsSpreadOverMoreThanTheWindowDoNotCount() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        for (int i = 0; i < 12; i++) {
            errors(f, 2, 1, 0, 0);
            f.advance(7_000);
        }
        assertNull(f.chassis.slotView(2).ailing(), "at most 10 within any 60 s");
        assertEquals(f.port(2, 0), bond0(f).activeSlave());
    }

    @Test
    void anUncorrectableErrorMovesTheTrafficAtOnce() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        errors(f, 2, 0, 1, 0);
        assertEquals("uncorrectable PCIe errors on 0000:02:00.0 (1 non-fatal, 0 fatal)", f.chassis.slotView(2).ailing());
        assertTrue(List.of(f.port(12, 0), f.port(12, 1)).contains(bond0(f).activeSlave()));
        assertTrue(f.chassis.slotView(2).attention());
    }

    @Test
    void theOperatorTrustsTheCardAgainWithClear() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        errors(f, 2, 0, 0, 1);
        assertTrue(List.of(f.port(12, 0), f.port(12, 1)).contains(bond0(f).activeSlave()));
        Outcome o = f.chassis.clear(2, "hadctl (root)");
        f.chassis.settle();
        assertEquals("card trusted with traffic again", o.text());
        assertNull(f.chassis.slotView(2).ailing());
        assertFalse(f.chassis.slotView(2).attention());
        f.advance(500);
        assertEquals(f.port(2, 0), bond0(f).activeSlave(), "back on its primary");
        assertEquals("hadctl (root)", f.audits("card.trusted").get(0).fields().get("source"));
    }

    @Test
    void aLimitOfZeroIgnoresCorrectableErrorsButNotUncorrectableOnes() {
        CoreFixture f = CoreFixture.threeCards(with(Configs.motorola8216(), new HotSwapPolicy(null, null, null, null, null, 0, null)));
        errors(f, 2, 1000, 0, 0);
        assertNull(f.chassis.slotView(2).ailing());
        assertEquals(1, f.audits("card.aer").size(), "recorded all the same");
        errors(f, 2, 0, 0, 1);
        assertTrue(f.chassis.slotView(2).ailing() != null);
    }

    @Test
    void inABondThatSpreadsTrafficTheCardsPortsLeaveTheBondWhileAnotherCardsPortWorks() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216(BondOptions.defaults(BondMode.BALANCE_XOR)));
        assertEquals(4, bond0(f).slaves().size());
        errors(f, 12, 0, 1, 0);
        f.advance(100);
        assertEquals(List.of(f.port(2, 0), f.port(2, 1)).stream().sorted().toList(), bond0(f).slaves().stream().sorted().toList());
        assertTrue(f.net.read().link(f.port(12, 0)).up(), "left up, out of the bond");
        // Both cards ailing: the bond keeps what it has rather than lose its last ports.
        errors(f, 2, 0, 1, 0);
        f.advance(100);
        assertEquals(2, bond0(f).slaves().size());
    }

    @Test
    void aCardNotInServiceIsOnlyRecorded() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        f.send(new BackplaneEvent.ExtractionRequested(12, f.clock.nanos()));
        f.advance(300);
        errors(f, 12, 0, 1, 0);
        assertNull(f.chassis.slotView(12).ailing());
        assertEquals(1, f.audits("card.aer").size());
    }
}
