package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditLog;
import had.audit.AuditReader;
import had.audit.AuditVerify;
import had.audit.TestDisk;
import had.backplane.bridge.SimChassisControl;
import had.core.SlotState;
import had.json.Json;
import had.report.Availability;
import had.report.ReportCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's bad day: the audit log's file system fills while the chassis runs. An extraction
 * asked for then completes hitlessly, a card pulled leaves its slot, status and systemd say the log
 * is behind and why, and once there is room again every record is written, in order, chained.
 */
class DiskFullServiceTest {
    @TempDir
    Path dir;

    @Test
    void anExtractionOnAFullDiskCompletesHitlesslyAndItsRecordsAppearWhenThereIsRoomAgain() throws Exception {
        TestDisk disk = new TestDisk();
        AuditLog.Settings noReserve = AuditLog.Settings.DEFAULT.withSpace(AuditLog.Settings.DEFAULT_HOLD_BYTES, 0);
        try (ServiceFixture had = new ServiceFixture(dir, ServiceFixture.shippedConf(), false, Map.of(), disk, noReserve)) {
            had.insert(2, 2);
            had.insert(12, 2);
            had.insert(16, 1);
            ServiceFixture.await(() -> working(had) == 4, "bond0 has 4 working slaves");
            // Slot 12's card may come up first and carry the active slave until slot 2's port 0, the
            // primary, takes over: the switch learning of that move is the insertion's, not the extraction's.
            var changes = had.chassis.network().changeLog();
            ServiceFixture.await(() -> !changes.switchLearning("bond0", System.nanoTime()), "the switch learned bond0's active port");
            int before = had.audit().size();

            disk.fill();
            long start = System.nanoTime();
            ServiceFixture.Run extract = had.hadctl("extract", "12");
            assertEquals(0, extract.status(), extract.err());
            assertTrue(extract.out().startsWith("slot 12: extraction accepted"), extract.out());
            assertTrue(extract.err().contains("warning: audit log BEHIND since ")
                    && extract.err().contains("No space left on device"), extract.err());
            ServiceFixture.await(() -> state(had, 12) == SlotState.SAFE_TO_REMOVE, "slot 12 safe to remove");
            long now = System.nanoTime();
            assertEquals(0, changes.nanosWithoutWorkingSlave("bond0", start, now));
            assertEquals(List.of(), changes.losses("bond0").stream().filter(l -> l.until() - start > 0).toList(),
                    "the handover cost bond0 no traffic");
            try (SimChassisControl ctl = SimChassisControl.connect(had.chassis.controlSocket())) {
                assertTrue(ctl.leds(12).led(), "blue LED lit without the disk");
                ctl.remove(12);
            }
            ServiceFixture.await(() -> state(had, 12) == SlotState.EMPTY, "slot 12 empty once its card is pulled");

            ServiceFixture.Run status = had.hadctl("status");
            assertTrue(status.out().contains("audit log: BEHIND since ") && status.out().contains(": No space left on device; ")
                    && status.out().contains(" held in memory until the disk takes them"), status.out());
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parseObject(had.hadctl("--json", "status").out())
                    .get("audit_log_state");
            assertEquals("behind", json.get("state"));
            assertEquals("No space left on device", json.get("reason"));
            assertTrue(((Number) json.get("held_records")).longValue() > 0, json.toString());
            assertEquals(0L, json.get("lost_records"));
            ServiceFixture.await(() -> notified(had, "; audit log BEHIND since "), "STATUS= says the log is behind");
            assertEquals(before, had.audit().size(), "nothing reached the disk");

            disk.free();
            ServiceFixture.await(() -> removedRecorded(had), "the held records written");
            List<String> since = had.audit().subList(before, had.audit().size()).stream()
                    .filter(r -> Long.valueOf(12).equals(r.get("slot")))
                    .map(r -> r.get("type") + (r.get("to") == null ? "" : " " + r.get("to"))).toList();
            int requested = since.indexOf("extraction.requested");
            assertTrue(requested >= 0 && requested < since.indexOf("slot.state SAFE_TO_REMOVE")
                    && since.indexOf("slot.state SAFE_TO_REMOVE") < since.indexOf("card.removed"), since.toString());
            assertTrue(had.hadctl("status").out().contains("audit log: writing\n"), had.hadctl("status").out());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Path log = dir.resolve("audit.log");
        assertEquals(AuditVerify.EXIT_INTACT, new AuditVerify().run(List.of(log), ps, ps), out.toString());
        assertFalse(out.toString().contains("torn"), out.toString());
        Availability.Result r = ReportCommand.compute(AuditReader.logSet(log), null, null, 0, ps);
        assertEquals(1, r.slots().stream().filter(s -> s.slot() == 12).findFirst().orElseThrow().plannedExtractions());
    }

    private static int working(ServiceFixture had) {
        try {
            return had.core(c -> c.bonds().stream().filter(b -> b.name().equals("bond0")).findFirst().orElseThrow().working());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static SlotState state(ServiceFixture had, int slot) {
        try {
            return had.core(c -> c.slotView(slot).state());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean removedRecorded(ServiceFixture had) {
        try {
            return !had.audit(r -> "card.removed".equals(r.get("type")) && Long.valueOf(12).equals(r.get("slot"))).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean notified(ServiceFixture had, String text) {
        try {
            for (String m = had.notifySocket.receive(100); m != null; m = had.notifySocket.receive(0)) {
                if (m.contains(text)) return true;
            }
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
