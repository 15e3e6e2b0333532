package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.config.ChassisConfig;
import had.config.HotSwapPolicy;
import had.config.SlotConfig;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.NetworkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;

/**
 * Each stage of an extraction failing in turn: the slot is left as it was (and the stage tried
 * again) or as it should be, never in between; what failed is on record.
 */
class ExtractionStepFailureTest {
    private static final NetworkException NO_ANSWER = new NetworkException("netlink dump: No buffer space available");

    /** motorola8216 with an extraction delay of {@code ms} for slot 2. */
    private static ChassisConfig delayed(int ms) {
        ChassisConfig c = Configs.motorola8216();
        Map<Integer, SlotConfig> slots = new LinkedHashMap<>(c.slots());
        SlotConfig s = slots.get(2);
        slots.put(2, new SlotConfig(2, s.ports(), s.card(), new HotSwapPolicy(null, ms), s.line()));
        return new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(), c.configs(), slots, c.drivers());
    }

    private static void readsFail(CoreFixture f) {
        doThrow(NO_ANSWER).when(f.network).read();
    }

    private static void readsWork(CoreFixture f) {
        doAnswer(AdditionalAnswers.delegatesTo(f.net)).when(f.network).read();
    }

    private static String active(CoreFixture f) {
        return f.net.read().bond("bond0").activeSlave();
    }

    /** Slot 2's ports, as they were named when its card came in. */
    private static List<String> ports2(CoreFixture f) {
        return f.portsBySlot.get(2);
    }

    private static List<Object> retries(CoreFixture f, String field) {
        return f.audits("slot.retry").stream().map(e -> e.fields().get(field)).toList();
    }

    @Test
    void aRequestWhoseGuardCannotReadTheNetworkChangesNothing() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        String before = active(f);
        readsFail(f);
        assertThrows(NetworkException.class, () -> f.chassis.requestExtraction(2, false, "hadctl"));
        readsWork(f);
        f.advance(500);
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(before, active(f));
        verify(f.backplane, never()).powerOff(2);
        verify(f.backplane, never()).setHotSwapLed(2, true);
    }

    @Test
    void theEndOfTheExtractionDelayIsTakenAgainOnceTheNetworkAnswers() {
        CoreFixture f = CoreFixture.threeCards(delayed(1000));
        String before = active(f);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(900);
        readsFail(f);
        f.advance(200);
        // As it was: within the delay, nothing moved, the handle can still keep the card.
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(before, active(f), "nothing moved");
        assertEquals(List.of("the end of the extraction delay"), retries(f, "stage"));
        assertEquals(List.of("netlink dump: No buffer space available"), retries(f, "error"));
        f.advance(300); // tried again 250 ms later: fails again, the wait doubles
        assertEquals(List.of(250L, 500L), retries(f, "retry_ms"));
        readsWork(f);
        f.advance(2000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertFalse(ports2(f).contains(active(f)), "traffic moved off the card");
        verify(f.backplane, times(1)).powerOff(2);
        verify(f.backplane).setHotSwapLed(2, true);
    }

    @Test
    void theEndOfTheQuiesceWindowIsTakenAgainOnceTheNetworkAnswers() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(2));
        String next = active(f);
        assertFalse(ports2(f).contains(next), "handed over at once");
        readsFail(f);
        f.advance(600);
        // Still extracting: the card keeps its power and its LED stays dark until its ports are out.
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(List.of("the end of the quiesce window"), retries(f, "stage").subList(0, 1));
        verify(f.backplane, never()).powerOff(2);
        verify(f.backplane, never()).setHotSwapLed(2, true);
        readsWork(f);
        f.advance(1000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertTrue(f.net.read().bond("bond0").slaves().stream().noneMatch(ports2(f)::contains), "released");
        assertEquals(next, active(f));
        verify(f.backplane, times(1)).powerOff(2);
        verify(f.backplane).setHotSwapLed(2, true);
    }

    @Test
    void aCancellationWhoseNetworkCannotBeReadGivesTheCardItsTrafficBackOnceItCan() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        String primary = active(f);
        assertTrue(ports2(f).contains(primary), "slot 2 carries bond0");
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(100);
        assertFalse(ports2(f).contains(active(f)), "handed over");
        readsFail(f);
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        // In service again at once (the handle is closed), the move back waits for the network.
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(List.of("the return of the bonds' traffic to the card"), retries(f, "stage"));
        readsWork(f);
        f.advance(240); // the retry comes 250 ms after the cancel, after the cancel's own window
        assertFalse(primary.equals(active(f)), "not moved back yet");
        f.advance(20);
        assertEquals(primary, active(f), "moved back by the retry");
        assertTrue(f.net.read().bond("bond0").allSlavesActive(), "the retried move back is handed over too");
        f.advance(1000);
        assertFalse(f.net.read().bond("bond0").allSlavesActive(), "and its window ends");
        assertEquals(List.of(), f.net.changeLog().losses("bond0"));
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertEquals(primary, active(f), "the primary carries bond0 again");
        assertEquals(null, f.chassis.slotView(2).reason(), "the failed try's words gone with it");
        assertEquals(4, f.net.read().bond("bond0").slaves().size());
        verify(f.backplane, never()).powerOff(2);
        f.advance(60_000);
        assertEquals(1, retries(f, "stage").size(), "done once it could be: not tried again");
    }

    @Test
    void aTrafficReturnStillDueOutlivesARequestKeptWithinItsDelay() {
        CoreFixture f = CoreFixture.threeCards(delayed(300));
        String primary = active(f);
        f.chassis.requestExtraction(2, true, "hadctl");
        f.advance(400); // the delay over: handed over, quiescing
        assertFalse(ports2(f).contains(active(f)), "handed over");
        readsFail(f);
        f.send(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        assertEquals(SlotState.ACTIVE, f.state(2));
        readsWork(f);
        // Before the move back's retry, the handle opens and closes again within the delay:
        // nothing of this request moved, so the move back is still due.
        f.chassis.handle(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(2));
        f.chassis.handle(new BackplaneEvent.ExtractionCancelled(2, f.clock.nanos()));
        assertEquals(SlotState.ACTIVE, f.state(2));
        f.advance(2000);
        assertEquals(primary, active(f), "the first cancellation's move back still made");
        verify(f.backplane, never()).powerOff(2);
    }

    @Test
    void aHandoverTheDriverRefusesIsOnRecordAndTheExtractionGoesOn() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        doThrow(new NetworkException("bond0: active_slave: Invalid argument")).when(f.network).setActiveSlave(eq("bond0"), anyString());
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(1000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertTrue(f.audits("net.error").stream().anyMatch(e -> "bond0: active_slave: Invalid argument".equals(e.fields().get("error"))));
        assertFalse(ports2(f).contains(active(f)), "the release moved the traffic");
    }

    @Test
    void aCardWhosePortsCannotBeReleasedKeepsItsPowerUntilTheyAre() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        doThrow(new NetworkException("bond0: slaves: Device or resource busy")).when(f.network).release(eq("bond0"), anyString());
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(1000);
        // Powered off now, the card would take the bond's traffic with it (a bond whose primary is
        // cleared goes back to its first working slave, one of these).
        assertEquals(SlotState.EXTRACTING, f.state(2));
        verify(f.backplane, never()).powerOff(2);
        verify(f.backplane, never()).setHotSwapLed(2, true);
        assertTrue(f.audits("net.error").stream().anyMatch(e -> "bond0: slaves: Device or resource busy".equals(e.fields().get("error"))));
        Object error = retries(f, "error").get(0);
        assertTrue(String.valueOf(error).startsWith("not released: ") && ports2(f).stream().allMatch(p -> String.valueOf(error)
                .contains(p + " in bond0")), String.valueOf(error));
        assertTrue(f.chassis.slotView(2).reason().startsWith("the end of the quiesce window failed (not released: "),
                f.chassis.slotView(2).reason());
        doAnswer(AdditionalAnswers.delegatesTo(f.net)).when(f.network).release(anyString(), anyString());
        f.advance(2000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertTrue(f.net.read().bond("bond0").slaves().stream().noneMatch(ports2(f)::contains), "released");
        assertFalse(ports2(f).contains(active(f)), "the traffic is on another card");
        verify(f.backplane, times(1)).powerOff(2);
    }

    @Test
    void withoutAQuiesceWindowTheLastStageIsTakenAtOnceAndAgainWhenItFails() {
        CoreFixture f = new CoreFixture(Configs.motorola8216(), new Settings(1_000, 0));
        f.resync();
        f.insert(2, Configs.E1000E, 2);
        f.insert(12, Configs.E1000E, 2);
        f.insert(16, Configs.E1000E, 1);
        f.advance(500);
        doThrow(new NetworkException("bond0: slaves: Device or resource busy")).when(f.network).release(eq("bond0"), anyString());
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(List.of("the end of the quiesce window"), retries(f, "stage"));
        verify(f.backplane, never()).powerOff(2);
        doAnswer(AdditionalAnswers.delegatesTo(f.net)).when(f.network).release(anyString(), anyString());
        f.advance(1000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        verify(f.backplane, times(1)).powerOff(2);
    }

    @Test
    void aPowerOffThatFailsLeavesTheSlotFailedWithItsAttentionLit() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        doThrow(new BackplaneException("slot 2 power: Input/output error", 5)).when(f.backplane).powerOff(2);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(1000);
        assertEquals(SlotState.FAILED, f.state(2));
        assertTrue(f.chassis.slotView(2).reason().contains("power-off failed"), f.chassis.slotView(2).reason());
        verify(f.backplane, never()).setHotSwapLed(2, true);
        verify(f.backplane).setAttention(2, true);
    }

    @Test
    void aBlueLedThatCannotBeLitIsOnRecordAndTheSlotIsSafeToRemove() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        doThrow(new BackplaneException("slot 2 LED: No such device", 19)).when(f.backplane).setHotSwapLed(2, true);
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(1000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        AuditEvent led = f.audits("slot.led").get(f.audits("slot.led").size() - 1);
        assertEquals(true, led.fields().get("on"));
        assertEquals("slot 2 LED: No such device", led.fields().get("error"));
    }

    @Test
    void aChangeTheNetworkCouldNotBeReadForIsMadeOnceItCan() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        readsFail(f);
        BondOptions b = BondOptions.defaults(BondMode.ACTIVE_BACKUP);
        f.chassis.reload(Configs.motorola8216(b.with(had.network.BondOption.MIIMON, 200).with(had.network.BondOption.UPDELAY, 0)
                .with(had.network.BondOption.DOWNDELAY, 0).with(had.network.BondOption.ARP_INTERVAL, 0)
                .with(had.network.BondOption.ARP_IP_TARGET, List.of()).withPrimary(null).with(had.network.BondOption.MIN_LINKS, 0)));
        f.chassis.settle();
        f.chassis.settle();
        f.chassis.settle();
        assertEquals(1, f.audits("net.error").stream().filter(e -> NO_ANSWER.getMessage().equals(e.fields().get("error"))).count(),
                "said once while it lasts, not at every turn of the loop");
        assertEquals(100, f.net.read().bond("bond0").options().miimon());
        readsWork(f);
        f.advance(10);
        assertEquals(200, f.net.read().bond("bond0").options().miimon(), "applied at the next settle");
    }
}
