package had.core;

import static had.core.Configs.E1000E;
import static had.core.Configs.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.backplane.PciId;
import had.network.IfAddress;
import had.network.NetworkChange;
import had.network.NetworkState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The slot life cycle against a mocked backplane, on the simulated bonding driver. */
class ChassisTest {
    private CoreFixture f;

    @BeforeEach
    void setUp() {
        f = new CoreFixture(Configs.motorola8216());
        f.resync();
        // What these tests verify is what the backplane is told after the start; the start's own
        // indicator writes are RestartIndicatorsTest's.
        clearInvocations(f.backplane);
    }

    private void insertAll() {
        f.insert(2, E1000E, 2);
        f.insert(12, E1000E, 2);
        f.insert(16, E1000E, 1);
        f.advance(500);
    }

    private NetworkState.Bond bond0() {
        return f.net.read().bond("bond0");
    }

    private String field(AuditEvent e, String key) {
        return String.valueOf(e.fields().get(key));
    }

    // ---- insertion ----------------------------------------------------------------------

    /** Slot 12's dual-port card inserted, bond0 on slot 2 already; returns its functions. */
    private List<had.backplane.PciFunction> cardInto12() {
        f.insert(2, E1000E, 2);
        f.advance(500);
        List<had.backplane.PciFunction> fs = CoreFixture.card(12, E1000E, 2);
        f.send(new BackplaneEvent.CardInserted(12, fs, f.clock.nanos()));
        return fs;
    }

    private void portAppears(had.backplane.PciFunction fn, String name) {
        f.net.addPort(name, 1500);
        f.net.setPhysicalLink(name, true);
        f.send(new BackplaneEvent.NetdevAdded(12, fn, name, f.clock.nanos()));
    }

    @Test
    void aCardsFirstPortJoinsItsBondAsSoonAsItAppearsNotWhenTheCardsLastPortDoes() {
        List<had.backplane.PciFunction> fs = cardInto12();
        portAppears(fs.get(0), "eth20");
        assertEquals(SlotState.INSERTING, f.state(12), "port 1 has not appeared yet");
        assertTrue(bond0().slaves().contains("eth20"), "port 0 in bond0 already: " + bond0().slaves());
        portAppears(fs.get(1), "eth21");
        assertEquals(SlotState.ACTIVE, f.state(12));
        List<String> slaves = bond0().slaves();
        assertTrue(slaves.indexOf("eth20") >= 0 && slaves.indexOf("eth20") < slaves.indexOf("eth21"), slaves.toString());
    }

    @Test
    void aCardThatFailsComingIntoServiceTakesBackThePortsItHadConfigured() {
        List<had.backplane.PciFunction> fs = cardInto12();
        portAppears(fs.get(0), "eth20");
        assertTrue(bond0().slaves().contains("eth20"));
        f.advance(10_500); // port 1 never appears: the port timeout (10 s) fails the card
        assertEquals(SlotState.FAILED, f.state(12));
        assertFalse(bond0().slaves().contains("eth20"), "a failed card's port left bond0: " + bond0().slaves());
    }

    @Test
    void aPortWaitsForTheCardsEarlierPortsSoThatTheBondHasThemInPortOrder() {
        List<had.backplane.PciFunction> fs = cardInto12();
        portAppears(fs.get(1), "eth21");
        assertFalse(bond0().slaves().contains("eth21"), "port 1 waits for port 0: " + bond0().slaves());
        portAppears(fs.get(0), "eth20");
        assertEquals(SlotState.ACTIVE, f.state(12));
        List<String> slaves = bond0().slaves();
        assertTrue(slaves.indexOf("eth20") >= 0 && slaves.indexOf("eth20") < slaves.indexOf("eth21"), slaves.toString());
    }

    @Test
    void insertionLoadsTheDriverOnceAndConfiguresEveryPortByPciFunction() {
        insertAll();
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(SlotState.ACTIVE, f.state(12));
        assertEquals(SlotState.ACTIVE, f.state(16));
        assertEquals(List.of("+e1000e"), f.moduleChanges);
        // Function 1 probed first and got eth0; port 0 is still function 0.
        assertEquals("eth1", f.port(2, 0));
        assertEquals("eth0", f.port(2, 1));
        NetworkState.Bond b = bond0();
        assertEquals(4, b.slaves().size());
        assertEquals(4, b.slavesMiiUp());
        assertEquals(f.port(2, 0), b.activeSlave(), "primary = slot 2 port 0");
        NetworkState.Link plain = f.net.read().link(f.port(16, 0));
        assertTrue(plain.up());
        assertEquals(List.of("10.0.2.1/24"), plain.addresses().stream().map(IfAddress::toString).toList());
        assertEquals(List.of("10.0.1.1/24"),
                f.net.read().link("bond0").addresses().stream().map(IfAddress::toString).toList());
    }

    @Test
    void vlanBondsOfJumboFramesGetTheirPortsRaisedToTheBondsMtu() {
        // Seed 000's layout: both ports carry VLANs 253 and 254, each bond of VLANs with MTU 9000.
        CoreFixture v = new CoreFixture(Configs.vlanBonds());
        v.resync();
        List<String> ports = v.insert(3, E1000E, 2);
        v.advance(500);
        assertEquals(SlotState.ACTIVE, v.state(3));
        NetworkState n = v.net.read();
        assertEquals(List.of(ports.get(0) + ".253", ports.get(1) + ".253"), n.bond("bond253").slaves());
        assertEquals(List.of(ports.get(0) + ".254", ports.get(1) + ".254"), n.bond("bond254").slaves());
        for (String p : ports) assertEquals(9000, n.link(p).mtu(), p + " carries the jumbo VLANs");
        assertEquals(9000, n.link(ports.get(0) + ".253").mtu());
        assertTrue(v.audits("net.error").isEmpty(), v.audits("net.error").toString());
    }

    @Test
    void aCardOtherThanTheOneTheSlotExpectsIsLeftAloneWithItsAttentionLit() {
        CoreFixture v = new CoreFixture(Configs.expecting(E1000E));
        v.resync();
        PciId e1000 = new PciId(0x8086, 0x100e);
        v.send(new BackplaneEvent.CardInserted(16, CoreFixture.card(16, e1000, 1), v.clock.nanos()));
        assertEquals(SlotState.IGNORED, v.state(16));
        assertEquals("wrong card: slot 16 expects 8086:10d3 (had.conf), found 8086:100e", v.chassis.slotView(16).reason());
        assertTrue(v.chassis.slotView(16).attention());
        verify(v.backplane).setAttention(16, true);
        AuditEvent r = v.audits("card.unexpected").get(0);
        assertEquals("8086:10d3", field(r, "expected"));
        assertEquals("8086:100e", field(r, "found"));
        assertEquals(List.of(), v.moduleChanges, "no driver loaded for it");
        // Pulled, and the right card seated: attention off, the card configured as usual.
        v.pull(16);
        assertFalse(v.chassis.slotView(16).attention());
        v.insert(16, E1000E, 1);
        v.advance(300);
        assertEquals(SlotState.ACTIVE, v.state(16));
        assertEquals(1, v.net.read().link(v.port(16, 0)).addresses().size());
    }

    @Test
    void anExpectedCardWithSubsystemIdsMustCarryThemToo() {
        CoreFixture v = new CoreFixture(Configs.expecting(new PciId(0x8086, 0x10d3, 0x8086, 0xa01f)));
        v.resync();
        v.send(new BackplaneEvent.CardInserted(16, CoreFixture.card(16, new PciId(0x8086, 0x10d3, 0x8086, 0x0000), 1),
                v.clock.nanos()));
        assertEquals(SlotState.IGNORED, v.state(16), "the same chip on another board");
        v.pull(16);
        v.insert(16, new PciId(0x8086, 0x10d3, 0x8086, 0xa01f), 1);
        v.advance(300);
        assertEquals(SlotState.ACTIVE, v.state(16));
    }

    @Test
    void unknownCardIsIgnoredAndRecordedAndNothingElseIsTouched() {
        insertAll();
        int before = f.audits("net.change").size() + f.audits("bond.enslave").size();
        f.send(new BackplaneEvent.CardInserted(5, CoreFixture.card(5, UNKNOWN, 2), f.clock.nanos()));
        assertEquals(SlotState.IGNORED, f.state(5));
        assertTrue(f.chassis.slotView(5).reason().contains("1234:5678"));
        assertEquals("1234:5678", field(f.audits("card.unknown").get(0), "ids"));
        assertEquals(List.of("+e1000e"), f.moduleChanges);
        assertEquals(before, f.audits("net.change").size() + f.audits("bond.enslave").size());
    }

    @Test
    void driverThatFailsToLoadFailsOnlyThatSlot() {
        f.drivers.failOnLoad("e1000e", "modprobe: ERROR: could not insert 'e1000e': Exec format error");
        f.send(new BackplaneEvent.CardInserted(2, CoreFixture.card(2, E1000E, 2), f.clock.nanos()));
        assertEquals(SlotState.FAILED, f.state(2));
        assertTrue(f.chassis.slotView(2).reason().contains("Exec format error"), f.chassis.slotView(2).reason());
        verify(f.backplane).setAttention(2, true);
        assertTrue(f.chassis.slotView(2).attention());
        // The driver comes good: the next card loads it; slot 2 stays FAILED until re-seated.
        f.drivers.failOnLoad("e1000e", null);
        f.insert(12, E1000E, 2);
        f.advance(300);
        assertEquals(SlotState.ACTIVE, f.state(12));
        assertEquals(SlotState.FAILED, f.state(2));
        assertEquals(2, bond0().slaves().size());
    }

    @Test
    void portsThatNeverAppearFailTheSlotAfterTheTimeout() {
        f.send(new BackplaneEvent.CardInserted(2, CoreFixture.card(2, E1000E, 2), f.clock.nanos()));
        assertEquals(SlotState.INSERTING, f.state(2));
        f.advance(990);
        assertEquals(SlotState.INSERTING, f.state(2));
        f.advance(20);
        assertEquals(SlotState.FAILED, f.state(2));
        String reason = f.chassis.slotView(2).reason();
        assertTrue(reason.contains("0000:02:00.0") && reason.contains("0000:02:00.1") && reason.contains("1000 ms"), reason);
    }

    // ---- planned extraction -------------------------------------------------------------

    @Test
    void plannedExtractionMovesTheActiveSlaveFirstAndNeverLeavesTheBondWithoutAWorkingSlave() {
        insertAll();
        long start = f.clock.nanos();
        String leaving = bond0().activeSlave();
        assertEquals(f.port(2, 0), leaving);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(f.port(12, 0), bond0().activeSlave(), "the active slave moved to the other card at once");
        assertEquals(4, bond0().slaves().size(), "slot 2's ports stay while the switches learn the new path");
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertEquals(2, bond0().slaves().size());
        InOrder order = inOrder(f.backplane);
        order.verify(f.backplane).powerOff(2);
        order.verify(f.backplane).setHotSwapLed(2, true);
        assertTrue(f.chassis.slotView(2).led());
        assertEquals(List.of("+e1000e"), f.moduleChanges, "slot 12 still uses e1000e");
        f.powerOffHappened(2);
        f.pull(2);
        assertEquals(SlotState.EMPTY, f.state(2));
        assertEquals("false", field(f.audits("card.removed").get(0), "improper"));
        assertEquals(2, f.net.changeLog().minWorkingSlaves("bond0", start, f.clock.nanos()));
        assertEquals(0, f.net.changeLog().nanosWithoutWorkingSlave("bond0", start, f.clock.nanos()));
        // Active slave moved before any release was recorded.
        List<String> types = f.audit.stream().map(AuditEvent::type).toList();
        assertTrue(types.indexOf("bond.active") < types.indexOf("bond.release"), types.toString());
        // ...and never went back to the leaving card: since Linux 6.0 a bond without a (working)
        // primary takes its first working slave, so clearing the primary (slot 2 port 0) while
        // slot 2's ports are still enslaved would hand the traffic back to them.
        List<String> actives = f.net.changeLog().of("bond0").stream()
                .filter(c -> c instanceof NetworkChange.ActiveSlave a && a.nanos() >= start)
                .map(c -> ((NetworkChange.ActiveSlave) c).current()).toList();
        assertEquals(List.of(f.port(12, 0)), actives);
    }

    /**
     * Slot 2 extracted, the chassis full: what the extraction did, in order (power-off, LED,
     * releases, bond options, all_slaves_active, reads of the network).
     */
    private List<String> tracedExtractionOfSlot2() {
        insertAll();
        List<String> order = new java.util.ArrayList<>();
        doAnswer(inv -> order.add("power-off " + inv.getArgument(0))).when(f.backplane).powerOff(anyInt());
        doAnswer(inv -> order.add("led " + inv.getArgument(0) + " " + inv.getArgument(1))).when(f.backplane)
                .setHotSwapLed(anyInt(), anyBoolean());
        doAnswer(inv -> {
            f.net.release(inv.getArgument(0), inv.getArgument(1));
            return order.add("release " + inv.getArgument(1));
        }).when(f.network).release(anyString(), anyString());
        doAnswer(inv -> {
            f.net.setBondOptions(inv.getArgument(0), inv.getArgument(1));
            return order.add("options of " + inv.getArgument(0));
        }).when(f.network).setBondOptions(anyString(), org.mockito.ArgumentMatchers.any());
        doAnswer(inv -> {
            f.net.setAllSlavesActive(inv.getArgument(0), inv.getArgument(1));
            return order.add("all_slaves_active " + inv.getArgument(1));
        }).when(f.network).setAllSlavesActive(anyString(), anyBoolean());
        doAnswer(inv -> {
            order.add("read");
            return f.net.read();
        }).when(f.network).read();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        return order;
    }

    @Test
    void aBondsOptionsAndTheEndOfItsHandoverWaitUntilTheCardIsOffAndItsLedLit() {
        List<String> order = tracedExtractionOfSlot2();
        int off = order.indexOf("power-off 2"), led = order.indexOf("led 2 true"), over = order.indexOf("all_slaves_active false");
        assertTrue(off > order.indexOf("release " + f.port(2, 0)) && off > order.indexOf("release " + f.port(2, 1)),
                "the card's ports released before its power-off: " + order);
        assertTrue(off < led && led < over, "the handover ends after the LED, not before the power-off: " + order);
        for (int i = 0; i < off; i++) assertFalse(order.get(i).startsWith("options"), "no option written before the power-off: " + order);
        assertFalse(bond0().allSlavesActive(), "the handover over after all");
    }

    @Test
    void aCardWhosePortsTheKernelReleasedIsPoweredOffWithoutAnotherReadOfTheWholeNetwork() {
        // Each release the kernel accepted is done; a read to confirm them cost 10 to 20 ms under
        // the lab's TCG between the last release and the power-off. The settle after the LED reads.
        List<String> order = tracedExtractionOfSlot2();
        int off = order.indexOf("power-off 2");
        int lastRelease = Math.max(order.indexOf("release " + f.port(2, 0)), order.indexOf("release " + f.port(2, 1)));
        assertTrue(lastRelease >= 0 && off > lastRelease, "released, then powered off: " + order);
        assertEquals(List.of("power-off 2"), order.subList(lastRelease + 1, off + 1), "nothing read in between: " + order);
        assertTrue(order.subList(off, order.size()).contains("read"), "the settle after it reads the network: " + order);
        assertTrue(bond0().slaves().stream().noneMatch(p -> p.equals(f.port(2, 0)) || p.equals(f.port(2, 1))));
    }

    @Test
    void theQuiesceWindowRunsFromTheHandoverWithTheCommitAfterItInside() {
        insertAll();
        long[] movedAt = {0};
        doAnswer(inv -> {
            f.net.setActiveSlave(inv.getArgument(0), inv.getArgument(1));
            movedAt[0] = f.clock.nanos();
            return null;
        }).when(f.network).setActiveSlave(anyString(), anyString());
        f.commitCost = () -> f.clock.advanceMillis(40); // a slow disk: each fsync 40 ms
        assertEquals("accepted", f.chassis.requestExtraction(2, false, "hadctl").text());
        assertEquals(f.port(12, 0), bond0().activeSlave());
        assertEquals(0, f.unwritten(), "the handover's records written ahead of it");
        f.chassis.commit(); // as the event loop does before it answers the request
        assertTrue(movedAt[0] != 0 && f.clock.nanos() - movedAt[0] >= 40_000_000L, "the handover's records committed after it");
        assertEquals(movedAt[0] + 200_000_000L, f.chassis.nextDeadline(), "the 200 ms window, from the move");
    }

    @Test
    void aHandoverThatFailedWholeGetsAWholeWindowFromTheFailure() {
        insertAll();
        doThrow(new had.network.NetworkException("bond0: busy")).when(f.network).setActiveSlave(anyString(), anyString());
        doThrow(new had.network.NetworkException("bond0: busy")).when(f.network).setAllSlavesActive(anyString(), anyBoolean());
        f.commitCost = () -> f.clock.advanceMillis(40);
        assertEquals("accepted", f.chassis.requestExtraction(2, false, "hadctl").text());
        assertEquals(f.port(2, 0), bond0().activeSlave(), "nothing moved");
        assertEquals(f.clock.nanos() + 200_000_000L, f.chassis.nextDeadline(), "the operator's 200 ms to cancel, whole");
    }

    @Test
    void aReconciliationDuringTheQuiesceDoesNotReleaseTheLeavingPortsEarly() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(20);
        // An operator's reload (a path verdict, another card's coming or going does the same)
        // makes the core reconcile in the middle of the quiesce.
        f.chassis.reload(Configs.motorola8216());
        f.chassis.settle();
        f.advance(100);
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(4, bond0().slaves().size(), "slot 2's ports stay until the quiesce is over");
        assertEquals(f.port(12, 0), bond0().activeSlave());
        assertTrue(bond0().allSlavesActive());
        assertEquals(List.of(), f.audits("bond.release"));
        f.advance(150);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertEquals(2, bond0().slaves().size());
        assertEquals(0, f.net.changeLog().losses("bond0").size(), f.net.changeLog().losses("bond0").toString());
    }

    @Test
    void backupSlavesDeliverWhileTheActiveSlaveIsHandedOverAndDropAgainOnceTheCardIsOut() {
        insertAll();
        assertFalse(bond0().allSlavesActive());
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertTrue(bond0().allSlavesActive(), "frames still reaching slot 2's ports are delivered");
        List<String> actions = f.audit.stream().map(e -> e.type() + " " + e.fields().getOrDefault("action", "")).toList();
        assertTrue(actions.indexOf("net.change let bond0's backup slaves deliver what they receive (extraction of slot 2)")
                < actions.indexOf("bond.active "), actions.toString());
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertFalse(bond0().allSlavesActive(), "over with the release of slot 2's ports");
        List<String> after = f.audit.stream().map(e -> e.type() + " " + e.fields().getOrDefault("action", "")).toList();
        assertTrue(after.lastIndexOf("bond.release ") < after.lastIndexOf(
                "net.change bond0's backup slaves drop what they receive again (handover over)"), after.toString());
    }

    @Test
    void everySlotStateRecordSaysItsHpiStateToo() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(300);
        List<AuditEvent> states = f.audits("slot.state");
        assertTrue(states.size() >= 8, states.toString());
        for (AuditEvent e : states) {
            assertEquals(SlotState.valueOf(field(e, "to")).hpi().name(), field(e, "hpi"), e.toString());
        }
        assertTrue(states.stream().anyMatch(e -> field(e, "hpi").equals("EXTRACTION_PENDING")), states.toString());
    }

    @Test
    void aCancelledOrInterruptedHandoverEndsToo() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(100);
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        assertEquals(f.port(2, 0), bond0().activeSlave(), "back on its primary");
        assertTrue(bond0().allSlavesActive(), "the move back is handed over too");
        f.advance(250);
        assertFalse(bond0().allSlavesActive(), "cancelled, and the move back's window over");
        assertEquals(List.of(), f.net.changeLog().losses("bond0"));

        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertTrue(bond0().allSlavesActive());
        f.yank(2, 5);
        assertFalse(bond0().allSlavesActive(), "card pulled during the quiesce");

        // A had that died mid-handover: the next one finds it on and turns it off.
        f.net.setAllSlavesActive("bond0", true);
        f.send(new BackplaneEvent.Resync(f.portsBySlot.keySet(), f.clock.nanos()));
        f.advance(10);
        assertFalse(bond0().allSlavesActive(), "no extraction in progress: nothing to hand over");
    }

    @Test
    void aSecondRequestDuringExtractionIsIgnoredAndRecorded() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        List<AuditEvent> reqs = f.audits("extraction.requested");
        assertEquals("accepted", field(reqs.get(0), "outcome"));
        assertEquals("ignored: extraction already in progress", field(reqs.get(1), "outcome"));
        f.advance(250);
        verify(f.backplane).powerOff(2);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals("ignored: already safe to remove", field(f.audits("extraction.requested").get(2), "outcome"));
    }

    @Test
    void handleClosedBeforePowerOffCancelsAndRestoresTheCard() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(100);
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        assertEquals(SlotState.ACTIVE, f.state(2));
        f.advance(300);
        verify(f.backplane, never()).powerOff(anyInt());
        verify(f.backplane, never()).setHotSwapLed(anyInt(), anyBoolean());
        assertEquals(4, bond0().slaves().size());
        assertEquals(f.port(2, 0), bond0().activeSlave(), "primary_reselect=always takes the primary back");
        assertEquals("restored", field(f.audits("extraction.cancelled").get(0), "outcome"));
    }

    @Test
    void handleClosedAfterPowerOffPowersTheSlotOnAgain() {
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(250);
        f.powerOffHappened(2);
        clearInvocations(f.backplane);
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        verify(f.backplane).setHotSwapLed(2, false);
        verify(f.backplane).powerOn(2);
        // The backplane then reports the card as inserted again.
        f.insert(2, E1000E, 2);
        f.advance(300);
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(4, bond0().slaves().size());
    }

    @Test
    void extractingTheLastWorkingPortIsRefusedUnlessForced() {
        f.insert(2, E1000E, 2);
        f.advance(300);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.ACTIVE, f.state(2));
        AuditEvent refused = f.audits("extraction.requested").get(0);
        assertTrue(field(refused, "outcome").startsWith("refused: bond0 would lose its last working slave"));
        verify(f.backplane).setAttention(2, true);
        verify(f.backplane, never()).powerOff(anyInt());
        // The operator closes the handle: the refusal is withdrawn.
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        verify(f.backplane).setAttention(2, false);
        // Forced, from the command line: proceeds, and the outage is on record.
        f.chassis.requestExtraction(2, true, "hadctl");
        f.chassis.settle();
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        AuditEvent down = f.audits("service.state").stream()
                .filter(e -> "bond0".equals(e.fields().get("service")) && Boolean.FALSE.equals(e.fields().get("up")))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(0, down.fields().get("working"));
        assertEquals(List.of("+e1000e", "-e1000e"), f.moduleChanges, "no card uses e1000e any more");
    }

    @Test
    void extractionOfAnIgnoredCardJustPowersItOff() {
        f.send(new BackplaneEvent.CardInserted(5, CoreFixture.card(5, UNKNOWN, 1), f.clock.nanos()));
        f.send(new BackplaneEvent.ExtractionRequested(5, f.clock.nanos()));
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(5));
        verify(f.backplane).powerOff(5);
    }

    @Test
    void powerOffFailureFailsTheSlotWithTheReason() {
        insertAll();
        doThrow(new BackplaneException("slot 2: power: Input/output error", 5)).when(f.backplane).powerOff(2);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(250);
        assertEquals(SlotState.FAILED, f.state(2));
        assertTrue(f.chassis.slotView(2).reason().contains("Input/output error"));
        verify(f.backplane, never()).setHotSwapLed(2, true);
    }

    // ---- surprise removal ---------------------------------------------------------------

    @Test
    void surpriseRemovalOfTheActiveCardFailsOverWithinMiimonAndIsRecordedAsImproper() {
        insertAll();
        long start = f.clock.nanos();
        f.yank(2, 1000);
        assertEquals(SlotState.EMPTY, f.state(2));
        AuditEvent removed = f.audits("card.removed").get(0);
        assertEquals(true, removed.fields().get("improper"));
        assertEquals("ACTIVE", removed.fields().get("state"));
        NetworkState.Bond b = bond0();
        assertEquals(2, b.slaves().size());
        assertEquals(f.port(12, 0), b.activeSlave());
        long outage = f.net.changeLog().nanosWithoutWorkingSlave("bond0", start, f.clock.nanos());
        assertTrue(outage <= 100_000_000L, "outage bounded by miimon: " + outage);
        // Re-insertion into the slot whose card was yanked.
        f.insert(2, E1000E, 2);
        f.advance(300);
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(4, bond0().slaves().size());
        assertEquals(f.port(2, 0), bond0().activeSlave());
    }

    @Test
    void surpriseRemovalFromEveryStateEndsEmpty() {
        // INSERTING
        f.send(new BackplaneEvent.CardInserted(2, CoreFixture.card(2, E1000E, 2), f.clock.nanos()));
        f.send(new BackplaneEvent.CardRemoved(2, f.clock.nanos()));
        assertEquals(SlotState.EMPTY, f.state(2));
        // FAILED
        f.drivers.failOnLoad("e1000e", "boom");
        f.send(new BackplaneEvent.CardInserted(2, CoreFixture.card(2, E1000E, 2), f.clock.nanos()));
        assertEquals(SlotState.FAILED, f.state(2));
        f.send(new BackplaneEvent.CardRemoved(2, f.clock.nanos()));
        assertEquals(SlotState.EMPTY, f.state(2));
        assertFalse(f.chassis.slotView(2).attention(), "attention goes with the card");
        f.drivers.failOnLoad("e1000e", null);
        // EXTRACTING
        insertAll();
        f.send(new BackplaneEvent.ExtractionRequested(12, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(12));
        f.yank(12, 50);
        assertEquals(SlotState.EMPTY, f.state(12));
        // IGNORED
        f.send(new BackplaneEvent.CardInserted(5, CoreFixture.card(5, UNKNOWN, 1), f.clock.nanos()));
        f.send(new BackplaneEvent.CardRemoved(5, f.clock.nanos()));
        assertEquals(SlotState.EMPTY, f.state(5));
        assertEquals(4, f.audits("card.removed").stream().filter(e -> Boolean.TRUE.equals(e.fields().get("improper"))).count());
        assertEquals(2, bond0().slaves().size());
    }

    @Test
    void portLinkLossIsRecordedAndTheBondFailsOver() {
        insertAll();
        String active = bond0().activeSlave();
        f.net.setPhysicalLink(active, false);
        long lost = f.clock.nanos();
        f.clock.advanceMillis(30); // had gets to the event a little after the kernel raised it
        f.send(new BackplaneEvent.LinkChanged(2, active, false, lost));
        AuditEvent down = f.audits("service.state").stream().filter(e -> Boolean.FALSE.equals(e.fields().get("up"))
                && "bond0".equals(e.fields().get("service"))).reduce((a, b) -> b).orElseThrow();
        assertEquals(lost, down.fields().get("since"), "the outage began when the link went, not when had looked");
        f.advance(200);
        f.chassis.settle();
        assertEquals(false, f.audits("port.link").get(0).fields().get("carrier"));
        assertTrue(!active.equals(bond0().activeSlave()));
        assertEquals(3, bond0().slavesMiiUp());
    }

    // ---- restart ------------------------------------------------------------------------

    @Test
    void restartAdoptsWhatIsThereWithoutTouchingIt() {
        insertAll();
        int changesBefore = f.net.changeLog().all().size();
        NetworkState before = f.net.read();
        // A new had on the same kernel: drivers are bound now, the backplane reports inventory.
        List<AuditEvent> audit2 = new java.util.ArrayList<>();
        for (int slot : f.portsBySlot.keySet()) {
            for (var fn : CoreFixture.card(slot, E1000E, f.portsBySlot.get(slot).size())) f.bound.put(fn.address(), "e1000e");
        }
        Chassis again = new Chassis(Configs.motorola8216(), new Settings(1000, 200), f.backplane, f.net, f.drivers,
                audit2::add, f.clock);
        for (int slot : f.portsBySlot.keySet()) {
            List<String> names = f.portsBySlot.get(slot);
            var fs = CoreFixture.card(slot, E1000E, names.size());
            again.handle(new BackplaneEvent.CardInserted(slot, fs, f.clock.nanos()));
            for (int i = 0; i < fs.size(); i++) {
                again.handle(new BackplaneEvent.NetdevAdded(slot, fs.get(i), names.get(i), f.clock.nanos()));
            }
        }
        again.handle(new BackplaneEvent.Resync(f.portsBySlot.keySet(), f.clock.nanos()));
        again.settle();
        assertEquals(SlotState.ACTIVE, again.slotView(2).state());
        List<String> changes = audit2.stream().map(AuditEvent::type)
                .filter(t -> t.startsWith("net.") || t.startsWith("bond.") || t.startsWith("driver.")).toList();
        assertEquals(List.of(), changes, "nothing torn down, re-added or bounced");
        assertEquals(changesBefore, f.net.changeLog().all().size());
        assertEquals(before, f.net.read());
    }

    @Test
    void inventoryThatMissesACardMeansItWasRemovedWhileNobodyWatched() {
        insertAll();
        f.net.removePort(f.port(16, 0));
        f.send(new BackplaneEvent.Resync(java.util.Set.of(2, 12), f.clock.nanos()));
        assertEquals(SlotState.EMPTY, f.state(16));
        assertEquals(true, f.audits("card.removed").get(0).fields().get("improper"));
    }

    @Test
    void nothingIsChangedBeforeTheFirstInventoryIsComplete() {
        CoreFixture g = new CoreFixture(Configs.motorola8216());
        g.insert(2, E1000E, 2);
        assertNull(g.net.read().bond("bond0"), "no bond created before the inventory ends");
        g.resync();
        assertEquals(2, g.net.read().bond("bond0").slaves().size());
    }

    // ---- drivers ------------------------------------------------------------------------

    @Test
    void theDriverIsUnloadedWhenTheLastCardUsingItLeaves() {
        insertAll();
        for (int slot : List.of(2, 12, 16)) {
            f.chassis.requestExtraction(slot, true, "hadctl");
            f.chassis.settle();
            f.advance(250);
            f.powerOffHappened(slot);
        }
        assertEquals(List.of("+e1000e", "-e1000e"), f.moduleChanges);
        assertEquals("16", field(f.audits("driver.unload").get(0), "slot"));
    }
}
