package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The slot life cycle's transitions, as declared (a change to them is a change to this list). */
class SlotStateTest {
    @Test
    void theDeclaredTransitions() {
        Map<SlotState, Set<SlotState>> seen = new LinkedHashMap<>();
        for (SlotState from : SlotState.values()) {
            Set<SlotState> to = EnumSet.noneOf(SlotState.class);
            for (SlotState t : SlotState.values()) if (from.mayBecome(t)) to.add(t);
            seen.put(from, to);
        }
        Map<SlotState, Set<SlotState>> declared = new LinkedHashMap<>();
        declared.put(SlotState.EMPTY, EnumSet.of(SlotState.INSERTING, SlotState.SAFE_TO_REMOVE));
        declared.put(SlotState.INSERTING, EnumSet.of(SlotState.EMPTY, SlotState.ACTIVE, SlotState.EXTRACTING, SlotState.FAILED,
                SlotState.IGNORED, SlotState.SAFE_TO_REMOVE));
        declared.put(SlotState.ACTIVE, EnumSet.of(SlotState.EMPTY, SlotState.EXTRACTING, SlotState.FAILED, SlotState.SAFE_TO_REMOVE));
        declared.put(SlotState.EXTRACTING, EnumSet.of(SlotState.EMPTY, SlotState.ACTIVE, SlotState.SAFE_TO_REMOVE, SlotState.FAILED));
        declared.put(SlotState.SAFE_TO_REMOVE, EnumSet.of(SlotState.EMPTY, SlotState.INSERTING, SlotState.FAILED));
        declared.put(SlotState.FAILED, EnumSet.of(SlotState.EMPTY, SlotState.EXTRACTING, SlotState.FAILED, SlotState.SAFE_TO_REMOVE));
        declared.put(SlotState.IGNORED, EnumSet.of(SlotState.EMPTY, SlotState.EXTRACTING, SlotState.FAILED, SlotState.SAFE_TO_REMOVE));
        assertEquals(declared, seen);
    }

    @Test
    void theBlueLedIsLitOnlyWhenTheCardMayBePulled() {
        for (SlotState s : SlotState.values()) {
            assertEquals(s == SlotState.SAFE_TO_REMOVE, s.blueLed(), s + ": the blue LED");
        }
    }

    @Test
    void eachStateHasItsHpiHotSwapState() {
        Map<SlotState, HpiState> hpi = new LinkedHashMap<>();
        for (SlotState s : SlotState.values()) hpi.put(s, s.hpi());
        assertEquals(Map.of(SlotState.EMPTY, HpiState.NOT_PRESENT, SlotState.INSERTING, HpiState.INSERTION_PENDING,
                SlotState.ACTIVE, HpiState.ACTIVE, SlotState.EXTRACTING, HpiState.EXTRACTION_PENDING,
                SlotState.SAFE_TO_REMOVE, HpiState.INACTIVE, SlotState.FAILED, HpiState.INACTIVE, SlotState.IGNORED, HpiState.INACTIVE), hpi);
    }
}
