package had.core;

import static had.core.Configs.E1000E;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;

import had.backplane.BackplaneEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.stubbing.Answer;

/**
 * The log says why before had does what: whatever the core recorded is durable before it loads a
 * module, switches power or lights an LED an operator reads, and everything is durable once it
 * has settled.
 */
class CommitBeforeActingTest {
    @Test
    void whatHadRecordedIsDurableBeforeItActsAndWhenItHasSettled() throws Exception {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        List<String> early = new ArrayList<>();
        Answer<Void> check = inv -> {
            if (f.uncommitted() > 0) early.add(inv.getMethod().getName() + " with " + f.uncommitted() + " records not durable");
            return null;
        };
        doAnswer(check).when(f.backplane).setHotSwapLed(anyInt(), anyBoolean());
        doAnswer(check).when(f.backplane).setAttention(anyInt(), anyBoolean());
        doAnswer(check).when(f.backplane).powerOff(anyInt());
        doAnswer(check).when(f.backplane).powerOn(anyInt());
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
        assertEquals(List.of(), f.actedUncommitted);
        assertEquals(List.of("+e1000e"), f.moduleChanges);
    }
}
