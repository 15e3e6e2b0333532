package had.core;

import static had.core.Configs.E1000E;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.PciId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * had restarted (cleanly, killed, or with the controller): the LEDs and attention indicators
 * show what had derives from the chassis it finds, written before it reports ready, whatever an
 * earlier had left on them. A LED that said "safe to pull" says so again only if it still is.
 */
class RestartIndicatorsTest {
    private final CoreFixture f = new CoreFixture(Configs.expecting(E1000E));
    /** What the backplane was told, in order, and "READY" where had reported ready. */
    private final List<String> told = new ArrayList<>();

    private void listen() {
        doAnswer(inv -> told.add("led " + inv.getArgument(0) + " " + inv.getArgument(1)))
                .when(f.backplane).setHotSwapLed(anyInt(), anyBoolean());
        doAnswer(inv -> told.add("attention " + inv.getArgument(0) + " " + inv.getArgument(1)))
                .when(f.backplane).setAttention(anyInt(), anyBoolean());
        doAnswer(inv -> told.add("power on " + inv.getArgument(0))).when(f.backplane).powerOn(anyInt());
        f.chassis.onReady(() -> told.add("READY"));
    }

    /**
     * The start-up inventory: cards in service in 2 and 12, what else the test sends, then its end
     * (slot 16 occupied when {@code more} put a card there).
     */
    private void start(boolean cardIn16, Runnable more) {
        listen();
        f.insert(2, E1000E, 2);
        f.insert(12, E1000E, 2);
        more.run();
        Set<Integer> occupied = new LinkedHashSet<>(f.portsBySlot.keySet());
        if (cardIn16) occupied.add(16);
        f.send(new BackplaneEvent.Resync(occupied, f.clock.nanos()));
        f.advance(300);
    }

    @Test
    void everySlotsIndicatorsAreWrittenBeforeReadyEvenWhereHadThinksThemOff() {
        start(false, () -> { });
        // An earlier had may have left slot 16's LED lit (its card was pulled while had was down)
        // and slot 2's attention on: both are written, off, before READY.
        int ready = told.indexOf("READY");
        assertTrue(ready > 0, "ready reported: " + told);
        for (int slot : List.of(2, 12, 16)) {
            assertTrue(told.subList(0, ready).contains("led " + slot + " false"), "slot " + slot + " LED before READY: " + told);
            assertTrue(told.subList(0, ready).contains("attention " + slot + " false"), "slot " + slot + " attention: " + told);
        }
    }

    @Test
    void aCardLeftPoweredOffIsStillSafeToPullAndStaysOff() {
        start(true, () -> f.send(new BackplaneEvent.CardOff(16, CoreFixture.card(16, E1000E, 1), f.clock.nanos())));
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(16));
        assertEquals(HpiState.INACTIVE, f.chassis.slotView(16).state().hpi());
        assertTrue(f.chassis.slotView(16).led(), "had's view: the LED is lit");
        int ready = told.indexOf("READY");
        assertTrue(told.subList(0, ready).contains("led 16 true"), "lit before READY: " + told);
        assertFalse(told.contains("led 16 false"), "never dark in between: " + told);
        verify(f.backplane, never()).powerOn(anyInt());
        AuditEvent found = f.audits("card.inserted").stream().filter(e -> Integer.valueOf(16).equals(e.fields().get("slot")))
                .findFirst().orElseThrow();
        assertEquals(false, found.fields().get("powered"));
        // The operator powers it on: the LED goes dark before the power comes.
        clearInvocations(f.backplane);
        f.chassis.insert(16, "hadctl");
        InOrder order = inOrder(f.backplane);
        order.verify(f.backplane).setHotSwapLed(16, false);
        order.verify(f.backplane).powerOn(16);
    }

    @Test
    void aWrongCardFoundAtStartHasItsAttentionLitBeforeReady() {
        start(true, () -> f.insert(16, new PciId(0x8086, 0x100e), 1));
        assertEquals(SlotState.IGNORED, f.state(16));
        int ready = told.indexOf("READY");
        assertTrue(told.subList(0, ready).contains("attention 16 true"), told.toString());
        assertFalse(told.subList(told.lastIndexOf("attention 16 true"), told.size()).contains("attention 16 false"),
                "and it stays lit: " + told);
    }

    @Test
    void aHandleFoundOpenIsStillARequest() {
        start(false, () -> f.send(new BackplaneEvent.ExtractionRequested(12, f.clock.nanos())));
        f.advance(300);
        f.powerOffHappened(12);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(12));
        assertTrue(told.contains("led 12 true"), told.toString());
    }

    @Test
    void aCardThatLosesItsPowerInServiceIsSafeToPullAndAsksForTheOperator() {
        start(false, () -> { });
        told.clear();
        f.powerOffHappened(12);
        f.send(new BackplaneEvent.CardOff(12, List.of(), f.clock.nanos()));
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(12));
        assertTrue(told.contains("led 12 true") && told.contains("attention 12 true"), told.toString());
        assertEquals("ACTIVE", f.audits("slot.power-lost").get(0).fields().get("state"));
        // Pulled afterwards (a hot-plug controller that powers the slot off by itself when its card
        // is pulled does it in this order): a surprise removal of an ACTIVE card, both indicators dark.
        f.pull(12);
        assertEquals(SlotState.EMPTY, f.state(12));
        assertTrue(told.contains("led 12 false") && told.contains("attention 12 false"), told.toString());
        AuditEvent removed = f.audits("card.removed").get(0);
        assertEquals(true, removed.fields().get("improper"));
        assertEquals("ACTIVE", removed.fields().get("state"));
    }

    @Test
    void theLedFollowsTheStateThroughAnExtraction() {
        start(false, () -> { });
        told.clear();
        f.send(new BackplaneEvent.ExtractionRequested(12, f.clock.nanos()));
        assertEquals(SlotState.EXTRACTING, f.state(12));
        assertFalse(told.contains("led 12 true"), "dark while the extraction is pending: " + told);
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(12));
        assertEquals(List.of("led 12 true"), told.stream().filter(t -> t.startsWith("led")).toList());
        f.pull(12);
        assertEquals(List.of("led 12 true", "led 12 false"), told.stream().filter(t -> t.startsWith("led")).toList());
    }
}
