package had.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wait for a slot's state or indicator cannot miss one that came and went between two polls:
 * had's records since the step that acted last count (a card that leaves its slot the moment it is
 * powered off, as on a chassis that ejects it or with an operator who pulls at once).
 */
class DrillWaitHistoryTest {
    private static final String RUN = "3f0c3b8e-5d1c-4f4e-9a55-0c1d2e3f4a5b";

    @TempDir
    Path dir;

    private final List<String> performed = new ArrayList<>();

    /** had as the drill finds it now: slot 12 EMPTY, its LED off. */
    private DrillRunner.Steps steps(String... records) throws Exception {
        Path log = dir.resolve("audit.log");
        StringBuilder text = new StringBuilder();
        for (String r : records) text.append(r.replace("RUN", RUN)).append('\n');
        Files.writeString(log, text);
        DrillRunner.Had had = (cmd, args) -> cmd.equals("slots")
                ? Map.of("slots", List.of(Map.of("slot", 12L, "state", "EMPTY", "led", false, "attention", false)))
                : Map.of();
        Performer hands = new Performer() {
            @Override public String name() { return "test"; }
            @Override public void insert(Drill.Insert card) { performed.add("insert"); }
            @Override public void handle(int slot, boolean open) { performed.add("handle " + slot); }
            @Override public void remove(int slot, boolean planned) { performed.add((planned ? "pull " : "yank ") + slot); }
            @Override public void link(int slot, int port, boolean up) { performed.add("link"); }
            @Override public void path(int slot, int port, boolean up) { performed.add("path"); }
            @Override public void aer(int slot, int port, String kind, int count) { performed.add("aer"); }
        };
        return new DrillRunner.Steps(had, hands, log, RUN);
    }

    private static final String START = "{\"type\":\"drill.start\",\"drill_run\":\"RUN\"}";
    private static final String STEP1 = "{\"type\":\"drill.step\",\"drill_run\":\"RUN\",\"step\":1}";
    private static final String LED_ON = "{\"seq\":7,\"time\":\"t7\",\"type\":\"slot.led\",\"slot\":12,\"on\":true}";
    private static final String SAFE = "{\"seq\":8,\"time\":\"t8\",\"type\":\"slot.state\",\"slot\":12,\"from\":\"EXTRACTING\",\"to\":\"SAFE_TO_REMOVE\"}";
    private static final String LED_OFF = "{\"seq\":9,\"type\":\"slot.led\",\"slot\":12,\"on\":false}";
    private static final String GONE = "{\"seq\":10,\"type\":\"slot.state\",\"slot\":12,\"from\":\"SAFE_TO_REMOVE\",\"to\":\"EMPTY\"}";

    private static Drill.Step step(int n, Drill.Action a) {
        return new Drill.Step(n, n, "step " + n, a);
    }

    private static Drill.Wait waitFor(Drill.Condition c) {
        return new Drill.Wait(c, 300);
    }

    @Test
    void aStateAndAnIndicatorThatCameAndWentSinceTheLastActingStepAreReached() throws Exception {
        DrillRunner.Steps s = steps(START, "{\"type\":\"drill.step\",\"drill_run\":\"RUN\",\"step\":1}", LED_ON, SAFE, LED_OFF, GONE);
        s.perform(step(1, waitFor(new Drill.SlotIs("slot 12 is EMPTY", 12, "EMPTY"))));
        s.perform(step(2, new Drill.Handle(12, true)));
        String seen = s.perform(step(3, waitFor(new Drill.SlotIs("slot 12 is SAFE_TO_REMOVE", 12, "SAFE_TO_REMOVE"))));
        assertEquals("slot 12 was SAFE_TO_REMOVE at t8 (seq 8); now slot 12 is EMPTY", seen);
        assertEquals("slot 12 led was on at t7 (seq 7); now slot 12 led is off",
                s.perform(step(4, waitFor(new Drill.SlotIndicator("slot 12 led is on", 12, "led", true)))));
        StepFailed never = assertThrows(StepFailed.class,
                () -> s.perform(step(5, waitFor(new Drill.SlotIs("slot 12 is FAILED", 12, "FAILED")))));
        assertTrue(never.getMessage().startsWith("waited 0.30 s for slot 12 is FAILED; slot 12 is EMPTY"), never.getMessage());
        // an expect is about now
        assertThrows(StepFailed.class, () -> s.perform(step(6, new Drill.Expect(new Drill.SlotIs("slot 12 is SAFE_TO_REMOVE", 12, "SAFE_TO_REMOVE")))));
    }

    @Test
    void whatCameBeforeTheLastActingStepDoesNotCount() throws Exception {
        DrillRunner.Steps s = steps(START, LED_ON, SAFE, GONE, STEP1, "{\"type\":\"drill.step\",\"drill_run\":\"RUN\",\"step\":2}");
        s.perform(step(1, new Drill.Handle(12, true)));
        s.perform(step(3, new Drill.Link(2, 0, false)));
        assertThrows(StepFailed.class, () -> s.perform(step(4, waitFor(new Drill.SlotIs("slot 12 is SAFE_TO_REMOVE", 12, "SAFE_TO_REMOVE")))));
        assertThrows(StepFailed.class, () -> s.perform(step(5, waitFor(new Drill.SlotIndicator("slot 12 led is on", 12, "led", true)))));
    }

    @Test
    void aFailedIndicatorWriteIsNotAnIndicatorOn() throws Exception {
        DrillRunner.Steps s = steps(START, STEP1, "{\"type\":\"slot.led\",\"slot\":12,\"on\":true,\"error\":\"EIO\"}");
        s.perform(step(2, new Drill.Handle(12, true)));
        assertThrows(StepFailed.class, () -> s.perform(step(3, waitFor(new Drill.SlotIndicator("slot 12 led is on", 12, "led", true)))));
    }

    @Test
    void aPullIsPlannedWhenTheCardLeftOnceSafeAndASurpriseOtherwise() throws Exception {
        steps(START, SAFE, GONE).perform(step(1, new Drill.Remove(12, true)));
        assertEquals(List.of("pull 12"), performed);
        DrillRunner.Steps yanked = steps(START, "{\"type\":\"slot.state\",\"slot\":12,\"from\":\"ACTIVE\",\"to\":\"EMPTY\"}");
        StepFailed e = assertThrows(StepFailed.class, () -> yanked.perform(step(1, new Drill.Remove(12, true))));
        assertTrue(e.getMessage().startsWith("slot 12 is EMPTY, not SAFE_TO_REMOVE"), e.getMessage());
        assertEquals(List.of("pull 12"), performed);
    }
}
