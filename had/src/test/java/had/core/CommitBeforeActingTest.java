package had.core;

import static had.core.Configs.E1000E;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;

import had.backplane.BackplaneEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.stubbing.Answer;

/**
 * The log says why before had does what: whatever the core recorded is written to the log before
 * it loads a module or switches power (ahead of the action: it outlives had), committed before it
 * lights an LED or an indicator an operator reads (they report something done), and everything is
 * committed once it has settled. Committed is durable while the disk takes the records; when it
 * refuses them, had acts all the same and the records, held by the log, become durable when it
 * takes them again.
 */
class CommitBeforeActingTest {
    @Test
    void whatHadRecordedIsWrittenBeforeItActsAndDurableBeforeItShowsOrHasSettled() throws Exception {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        List<String> early = new ArrayList<>();
        Answer<Void> written = inv -> {
            if (f.unwritten() > 0) early.add(inv.getMethod().getName() + " with " + f.unwritten() + " records not written");
            return null;
        };
        Answer<Void> durable = inv -> {
            if (f.uncommitted() > 0) early.add(inv.getMethod().getName() + " with " + f.uncommitted() + " records not durable");
            return null;
        };
        doAnswer(durable).when(f.backplane).setHotSwapLed(anyInt(), anyBoolean());
        doAnswer(durable).when(f.backplane).setAttention(anyInt(), anyBoolean());
        doAnswer(written).when(f.backplane).powerOff(anyInt());
        doAnswer(written).when(f.backplane).powerOn(anyInt());
        f.resync();
        f.insert(2, E1000E, 2);
        f.insert(12, E1000E, 2);
        f.advance(500);
        assertEquals(0, f.uncommitted(), "settled: everything durable");
        f.send(new BackplaneEvent.ExtractionRequested(2, f.clock.nanos()));
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        f.chassis.cancelExtraction(2, "hadctl");
        assertEquals(List.of(), early);
        assertEquals(List.of(), f.actedUnwritten);
        assertEquals(List.of("+e1000e"), f.moduleChanges);
    }

    @Test
    void onADiskThatRefusesTheRecordsHadActsAllTheSameAndWritesFirst() throws Exception {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        List<String> early = new ArrayList<>();
        List<String> acted = new ArrayList<>();
        Answer<Void> check = inv -> {
            acted.add(inv.getMethod().getName() + " " + inv.getArguments()[0]);
            if (f.unwritten() > 0) early.add(inv.getMethod().getName() + " with " + f.unwritten() + " records not written");
            return null;
        };
        doAnswer(check).when(f.backplane).setHotSwapLed(anyInt(), anyBoolean());
        doAnswer(check).when(f.backplane).powerOff(anyInt());
        f.resync();
        f.insert(2, E1000E, 2);
        f.insert(12, E1000E, 2);
        f.advance(500);
        acted.clear(); // the start's indicator writes were checked for commits too
        f.diskRefuses = true;
        f.send(new BackplaneEvent.ExtractionRequested(12, f.clock.nanos()));
        f.advance(250);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(12), "the extraction went on without the disk");
        assertEquals(List.of("powerOff 12", "setHotSwapLed 12"), acted);
        assertEquals(List.of(), early, "each action's records were offered to the log before it");
        int held = f.notDurable();
        assertTrue(held > 0, "the records wait for the disk");
        f.pull(12);
        assertEquals(SlotState.EMPTY, f.state(12), "a card pulled on a full disk leaves its slot");
        f.diskRefuses = false;
        f.advance(10);
        assertEquals(0, f.notDurable(), "written once the disk takes them");
        assertEquals(List.of(), f.actedUnwritten);
    }
}
