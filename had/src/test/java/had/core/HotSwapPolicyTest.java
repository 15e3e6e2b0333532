package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.config.ChassisConfig;
import had.config.HotSwapPolicy;
import had.config.SlotConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The slot's hot-swap policies: manual insertion and the extraction delay (HPI's auto-insert and auto-extract). */
class HotSwapPolicyTest {
    /** motorola8216 with {@code policy} for slot {@code slot}. */
    private static ChassisConfig with(int slot, HotSwapPolicy policy) {
        ChassisConfig c = Configs.motorola8216();
        Map<Integer, SlotConfig> slots = new LinkedHashMap<>(c.slots());
        SlotConfig s = slots.get(slot);
        slots.put(slot, new SlotConfig(slot, s.ports(), s.card(), policy, s.line()));
        return new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(), c.configs(), slots, c.drivers());
    }

    private static String bond0Active(CoreFixture f) {
        return f.net.read().bond("bond0").activeSlave();
    }

    @Test
    void aManualSlotsCardWaitsUntilAnOperatorAdmitsIt() {
        CoreFixture f = new CoreFixture(with(16, new HotSwapPolicy(HotSwapPolicy.Insertion.MANUAL, null)));
        f.resync();
        // The card, and (a driver already loaded binds it by itself) its port: nothing configured.
        f.insert(16, Configs.E1000E, 1);
        f.advance(12_000); // longer than the port timeout: waiting is not failing
        assertEquals(SlotState.INSERTING, f.state(16));
        assertEquals(HpiState.INSERTION_PENDING, f.chassis.slotView(16).state().hpi());
        assertEquals("waits for an operator to admit it: hadctl insert 16 (insertion = manual in had.conf)",
                f.chassis.slotView(16).reason());
        assertEquals(List.of(), f.net.read().link(f.port(16, 0)).addresses());
        assertEquals(List.of(), f.moduleChanges, "no driver loaded by had");

        assertEquals(Outcome.Kind.ACCEPTED, f.chassis.insert(16, "hadctl").kind());
        f.chassis.settle();
        f.advance(100);
        assertEquals(SlotState.ACTIVE, f.state(16));
        assertEquals(1, f.net.read().link(f.port(16, 0)).addresses().size());
        assertEquals("hadctl", f.audits("card.admitted").get(0).fields().get("source"));
    }

    @Test
    void theCardsPortsAlreadyThereTakeTheirConfigurationWhenItIsAdmitted() {
        CoreFixture f = new CoreFixture(with(12, new HotSwapPolicy(HotSwapPolicy.Insertion.MANUAL, null)));
        f.resync();
        f.insert(2, Configs.E1000E, 2);
        f.advance(500);
        List<had.backplane.PciFunction> fs = CoreFixture.card(12, Configs.E1000E, 2);
        f.send(new had.backplane.BackplaneEvent.CardInserted(12, fs, f.clock.nanos()));
        f.net.addPort("eth20", 1500);
        f.net.setPhysicalLink("eth20", true);
        f.send(new had.backplane.BackplaneEvent.NetdevAdded(12, fs.get(0), "eth20", f.clock.nanos()));
        assertFalse(f.net.read().bond("bond0").slaves().contains("eth20"), "waits unconfigured");
        assertEquals(Outcome.Kind.ACCEPTED, f.chassis.insert(12, "hadctl").kind());
        f.chassis.settle();
        assertEquals(SlotState.INSERTING, f.state(12), "port 1 has not appeared");
        assertTrue(f.net.read().bond("bond0").slaves().contains("eth20"), "admitted: port 0 joins bond0 without waiting for another event");
    }

    @Test
    void aCardAlreadySeatedWhenHadStartsIsTakenIntoServiceWhateverThePolicy() {
        CoreFixture f = new CoreFixture(with(16, new HotSwapPolicy(HotSwapPolicy.Insertion.MANUAL, null)));
        f.insert(16, Configs.E1000E, 1); // reported by the first inventory, before its end
        f.resync();
        f.advance(100);
        assertEquals(SlotState.ACTIVE, f.state(16), "a restart of had never takes a card out of service");
    }

    @Test
    void anAutoSlotIsUnchanged() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        assertEquals(SlotState.ACTIVE, f.state(16));
        assertTrue(f.audits("card.admitted").isEmpty());
    }

    @Test
    void withinTheExtractionDelayNothingMovesAndAClosedHandleKeepsTheCard() {
        CoreFixture f = CoreFixture.threeCards(with(2, new HotSwapPolicy(null, 2000)));
        String active = bond0Active(f);
        assertEquals(f.port(2, 0), active);
        int changes = f.audit.size();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(HpiState.EXTRACTION_PENDING, f.chassis.slotView(2).state().hpi());
        assertTrue(f.chassis.slotView(2).reason().startsWith("had acts in 2000 ms unless the handle closes"));
        f.advance(1500);
        assertEquals(active, bond0Active(f), "the active slave has not moved");
        assertTrue(f.audit.subList(changes, f.audit.size()).stream().noneMatch(e -> e.type().startsWith("bond.")
                || e.type().equals("net.change")), "nothing done to the network");
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        assertEquals(SlotState.ACTIVE, f.state(2));
        AuditEvent cancelled = f.audits("extraction.cancelled").get(0);
        assertEquals("kept: had had not acted yet", cancelled.fields().get("outcome"));
        f.advance(1000);
        assertEquals(SlotState.ACTIVE, f.state(2), "the delay's end does nothing after a cancel");
        List<AuditEvent> since = f.audit.subList(changes, f.audit.size());
        assertTrue(since.stream().noneMatch(e -> e.type().equals("service.state") && Boolean.FALSE.equals(e.fields().get("up"))),
                "no outage on record: " + since);
    }

    @Test
    void afterTheExtractionDelayHadActsAsWithoutOne() {
        CoreFixture f = CoreFixture.threeCards(with(2, new HotSwapPolicy(null, 2000)));
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(1990);
        assertEquals(f.port(2, 0), bond0Active(f));
        f.advance(20);
        assertFalse(f.port(2, 0).equals(bond0Active(f)), "handed over when the delay ended");
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
    }

    @Test
    void theGuardIsAskedAgainWhenTheDelayEnds() {
        CoreFixture f = CoreFixture.threeCards(with(2, new HotSwapPolicy(null, 2000)));
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        // Meanwhile slot 12's card is pulled: slot 2 now carries bond0's last working ports.
        f.yank(12, 50);
        f.advance(2100);
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertTrue(f.chassis.slotView(2).attention());
        assertEquals("bond0", f.audits("extraction.refused").get(0).fields().get("bond"));
        assertEquals(f.port(2, 0), bond0Active(f));
    }
}
