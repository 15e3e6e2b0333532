package had.core;

import static had.core.Configs.E1000E;
import static org.junit.jupiter.api.Assertions.assertEquals;

import had.audit.AuditEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * After the log lost records (the memory for them was full while the disk refused them), what
 * they would have said is unknown to a reader: the core records every service and slot again.
 */
class AuditLossTest {
    @Test
    void afterRecordsWereLostEveryServiceAndSlotIsRecordedAgain() {
        CoreFixture f = new CoreFixture(Configs.motorola8216());
        f.resync();
        f.insert(2, E1000E, 2);
        f.insert(12, E1000E, 2);
        f.advance(500);
        int before = f.audit.size();
        f.advance(500);
        assertEquals(before, f.audit.size(), "nothing changed: nothing recorded");

        f.lostOnResume = 7;
        f.advance(10);
        List<AuditEvent> after = f.audit.subList(before, f.audit.size());
        Map<Object, Object> slots = new TreeMap<>();
        for (AuditEvent e : after) {
            if (e.type().equals("slot.state")) {
                assertEquals(e.fields().get("from"), e.fields().get("to"));
                assertEquals("restated: audit records were lost", e.fields().get("reason"));
                slots.put(e.fields().get("slot"), e.fields().get("to"));
            }
        }
        assertEquals(Map.of(2, "ACTIVE", 12, "ACTIVE", 16, "EMPTY"), slots);
        List<Object> services = after.stream().filter(e -> e.type().equals("service.state"))
                .map(e -> e.fields().get("service")).toList();
        assertEquals(f.chassis.bonds().size() + 1, services.size(), "every bond and the service address: " + services);
        int again = f.audit.size();
        f.advance(500);
        assertEquals(again, f.audit.size(), "restated once");
    }
}
