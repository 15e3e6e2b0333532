package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.PciFunction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;

/**
 * Handlers that stop half way on a fault had has no words for (an adapter's unexpected exception,
 * or a bug): the slot is left as it was or goes on to where it should be, its next stage armed;
 * never in between with nothing to take it further. What stopped is on record.
 */
class StoppedHalfwayTest {
    private static List<Object> retries(CoreFixture f, String field) {
        return f.audits("slot.retry").stream().map(e -> e.fields().get(field)).toList();
    }

    /** A dual-port card into slot 2 while which driver a function is bound to cannot be looked at. */
    private static List<PciFunction> insertedWhileDriversCannotBeLookedAt(CoreFixture f) {
        f.resync();
        List<PciFunction> card = CoreFixture.card(2, Configs.E1000E, 2);
        f.driverLookupFault = new IllegalStateException("sysfs: bus/pci/devices unreadable");
        f.send(new BackplaneEvent.CardInserted(2, card, f.clock.nanos()));
        return card;
    }

    @Test
    void anInsertionWhoseDriversCannotBeLookedAtIsAdmittedOnceTheyCanBe() {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        List<PciFunction> card = insertedWhileDriversCannotBeLookedAt(f);
        // Inserting, with the admission armed again: not left waiting for ports no driver will bring.
        assertEquals(SlotState.INSERTING, f.state(2));
        assertEquals(List.of("the admission of the card (its drivers)"), retries(f, "stage"));
        assertTrue(f.moduleChanges.isEmpty(), "no driver loaded yet");
        f.advance(100);
        assertEquals(1, retries(f, "stage").size(), "the retry waits its 250 ms");
        f.driverLookupFault = null;
        f.advance(200);
        assertEquals(List.of("+e1000e"), f.moduleChanges);
        List<String> ports = f.portsAppear(2, card);
        f.advance(100);
        assertEquals(SlotState.ACTIVE, f.state(2));
        assertTrue(f.net.read().bond("bond0").slaves().containsAll(ports), "its ports in bond0");
        assertEquals(null, f.chassis.slotView(2).reason());
    }

    @Test
    void anAdmissionThatNeverWorksIsTriedAgainAndAgainNotLeftAlone() {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        f.resync();
        f.driverLookupFault = new IllegalStateException("sysfs: bus/pci/devices unreadable");
        f.send(new BackplaneEvent.CardInserted(2, CoreFixture.card(2, Configs.E1000E, 2), f.clock.nanos()));
        f.advance(4_000);
        assertEquals(SlotState.INSERTING, f.state(2));
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L), retries(f, "retry_ms"), "doubling (250 + 500 + 1000 + 2000 ms in)");
        assertTrue(f.chassis.slotView(2).reason().startsWith("the admission of the card (its drivers) failed"
                + " (java.lang.IllegalStateException: sysfs: bus/pci/devices unreadable)"), f.chassis.slotView(2).reason());
    }

    @Test
    void anExtractionRequestThatStopsHalfWayGoesOnToSafeToRemove() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        IllegalStateException bug = new IllegalStateException("bond0: all_slaves_active: unexpected");
        doThrow(bug).when(f.network).setAllSlavesActive(eq("bond0"), anyBoolean());
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> f.chassis.requestExtraction(2, false, "hadctl"));
        assertSame(bug, thrown, "the caller is told");
        AuditEvent error = f.audits("core.error").get(0);
        assertEquals("the extraction request of slot 2", error.fields().get("handling"));
        assertEquals(bug.toString(), error.fields().get("error"));
        // Extracting (the request was accepted and recorded so), its quiesce's end armed.
        assertEquals(SlotState.EXTRACTING, f.state(2));
        assertEquals(List.of("the end of the quiesce window"), retries(f, "stage"));
        doAnswer(AdditionalAnswers.delegatesTo(f.net)).when(f.network).setAllSlavesActive(eq("bond0"), anyBoolean());
        f.advance(1000);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        verify(f.backplane, times(1)).powerOff(2);
        assertFalse(f.portsBySlot.get(2).contains(f.net.read().bond("bond0").activeSlave()), "the traffic on another card");
    }

    @Test
    void aHandlerThatStopsHalfWayLeavesTheStagesOfOtherSlotsAtTheirTimes() {
        CoreFixture f = CoreFixture.threeCards(Configs.motorola8216());
        // Slot 18's card waits for its ports (1000 ms) when slot 2's request stops half way.
        f.send(new BackplaneEvent.CardInserted(18, CoreFixture.card(18, Configs.E1000E, 1), f.clock.nanos()));
        assertEquals(SlotState.INSERTING, f.state(18));
        doThrow(new IllegalStateException("bond0: all_slaves_active: unexpected")).when(f.network)
                .setAllSlavesActive(eq("bond0"), anyBoolean());
        assertThrows(IllegalStateException.class, () -> f.chassis.requestExtraction(2, false, "hadctl"));
        assertEquals(List.of(2), f.audits("slot.retry").stream().map(e -> e.fields().get("slot")).toList(),
                "only the slot left without its stage");
        f.advance(500);
        assertEquals(SlotState.INSERTING, f.state(18), "its ports' wait keeps its 1000 ms");
        f.advance(600);
        assertEquals(SlotState.FAILED, f.state(18), "and ends when it was to end");
    }

    @Test
    void aCardWhoseAdmissionIsStillDueIsNotBroughtIntoServiceByItsPorts() {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        List<PciFunction> card = insertedWhileDriversCannotBeLookedAt(f);
        // A driver loaded already binds the ports by itself before had could look at the card.
        List<String> ports = f.portsAppear(2, card);
        assertEquals(SlotState.INSERTING, f.state(2), "not in service before its admission");
        f.driverLookupFault = null;
        f.advance(300);
        assertEquals(SlotState.ACTIVE, f.state(2), "admitted by the retry, its ports there already");
        assertEquals(List.of("+e1000e"), f.moduleChanges, "its driver known to had (and loaded)");
        assertTrue(f.net.read().bond("bond0").slaves().containsAll(ports));
    }
}
