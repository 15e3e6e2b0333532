package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditLog;
import had.core.SlotState;
import had.json.Json;
import had.network.BondOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control protocol's commands and hadctl against had running on the simulated chassis with
 * the shipped configuration (bond0 over slots 2 and 12, an address on slot 16), and the READY=1
 * systemd gets. The read-only checks run first, the actions after them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceTest {
    @TempDir
    static Path dir;

    private ServiceFixture had;

    @BeforeAll
    void start() throws Exception {
        had = new ServiceFixture(dir, ServiceFixture.shippedConf(), false, Map.of("WATCHDOG_USEC", "200000"));
        had.insert(2, 2);
        had.insert(12, 2);
        had.insert(16, 1);
        ServiceFixture.await(() -> working("bond0") == 4, "bond0 has 4 working slaves");
        ServiceFixture.await(() -> state(16) == SlotState.ACTIVE, "slot 16 is active");
    }

    @AfterAll
    void stop() {
        if (had != null) had.close();
    }

    private int working(String bond) {
        try {
            return had.core(c -> c.bonds().stream().filter(b -> b.name().equals(bond)).findFirst().orElseThrow().working());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private SlotState state(int slot) {
        try {
            return had.core(c -> c.slotView(slot).state());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(Map<String, Object> response) {
        assertEquals(true, response.get("ok"), response.toString());
        assertEquals(1L, response.get("v"));
        return (Map<String, Object>) response.get("result");
    }

    @Test
    @Order(1)
    void systemdIsToldReadyOnceTheFirstInventoryIsReconciled() throws Exception {
        String ready = null;
        for (int i = 0; i < 50 && ready == null; i++) {
            String m = had.notifySocket.receive(5000);
            assertNotNull(m, "no READY=1");
            if (m.contains("READY=1")) ready = m;
        }
        assertNotNull(ready);
        assertTrue(ready.startsWith("READY=1\nSTATUS="), ready);
        assertTrue(ready.matches("(?s).*STATUS=\\d+ of 4 slots active; bonds: .*"), ready);
    }

    /** WATCHDOG=1 comes from a task on the event loop: a stuck loop stops it, and systemd restarts had. */
    @Test
    @Order(7)
    void theWatchdogIsFedOnlyWhileTheEventLoopRuns() throws Exception {
        assertTrue(receiveWatchdog(2000), "WATCHDOG=1 every WATCHDOG_USEC/2 (100 ms)");
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        had.chassis.daemon().loop().post(() -> {
            try {
                stuck.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(150);
        while (had.notifySocket.receive(0) != null) { } // what was sent before the loop got stuck
        try {
            assertTrue(!receiveWatchdog(500), "no WATCHDOG=1 while the loop is stuck");
        } finally {
            stuck.countDown();
        }
        assertTrue(receiveWatchdog(2000), "WATCHDOG=1 again once the loop runs");
    }

    private boolean receiveWatchdog(int withinMs) throws Exception {
        long deadline = System.nanoTime() + withinMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            String m = had.notifySocket.receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            if (m != null && m.lines().anyMatch("WATCHDOG=1"::equals)) return true;
        }
        return false;
    }

    @Test
    @Order(2)
    void status() throws Exception {
        Map<String, Object> r = result(had.request("{\"v\":1,\"cmd\":\"status\"}"));
        assertEquals(Service.VERSION, r.get("version"));
        assertEquals("simulated", r.get("mode"));
        assertEquals(ProcessHandle.current().pid(), r.get("pid"));
        assertTrue(r.get("uptime_s") instanceof Long);
        List<?> files = (List<?>) r.get("config");
        assertEquals(2, files.size());
        Map<?, ?> hadConf = (Map<?, ?>) files.get(0);
        assertEquals(had.hadConf.toString(), hadConf.get("path"));
        assertEquals(Reloader.sha256(had.hadConf), hadConf.get("sha256"));
        assertEquals(64, String.valueOf(hadConf.get("sha256")).length());
        assertEquals(had.chassis.daemon().audit().file().toAbsolutePath().toString(), r.get("audit_log"));
        Map<?, ?> audit = (Map<?, ?>) r.get("audit_log_state");
        assertEquals("writing", audit.get("state"));
        assertEquals(0L, audit.get("held_records"));
        assertEquals(0L, audit.get("lost_records"));
        assertEquals(AuditLog.Settings.DEFAULT_RESERVE_BYTES, audit.get("reserve_bytes"));
        assertEquals(had.chassis.controlSocket().toAbsolutePath().toString(), r.get("sim_control_socket"));
        assertEquals(3L, r.get("slots_active"));
    }

    @Test
    @Order(3)
    void slots() throws Exception {
        List<?> slots = (List<?>) result(had.request("{\"v\":1,\"cmd\":\"slots\"}")).get("slots");
        assertEquals(4, slots.size(), "slots 2, 12, 16 and 18 (empty)");
        Map<?, ?> s2 = (Map<?, ?>) slots.get(0);
        assertEquals(2L, s2.get("slot"));
        assertEquals("ACTIVE", s2.get("state"));
        assertEquals(List.of("e1000e"), s2.get("modules"));
        assertEquals(2, ((Map<?, ?>) s2.get("ports")).size());
        assertEquals("8086:10d3", ((Map<?, ?>) ((List<?>) s2.get("card")).get(0)).get("id"));
        assertEquals(false, s2.get("led"));
        assertEquals(false, s2.get("attention"));
    }

    @Test
    @Order(4)
    void bonds() throws Exception {
        List<?> bonds = (List<?>) result(had.request("{\"v\":1,\"cmd\":\"bonds\"}")).get("bonds");
        assertEquals(1, bonds.size());
        Map<?, ?> b = (Map<?, ?>) bonds.get(0);
        assertEquals("bond0", b.get("bond"));
        assertEquals("active-backup", b.get("mode"));
        assertEquals("up", b.get("state"));
        assertEquals(4L, b.get("working"));
        assertEquals(4L, b.get("expected"));
        assertEquals(100L, ((Map<?, ?>) b.get("options")).get("miimon"));
        // The options' names are the protocol's (v1), whatever the table of options calls them; an
        // option added to the table since follows them under its own key.
        List<String> v1 = List.of("miimon", "updelay", "downdelay", "arp_interval", "arp_ip_targets", "arp_validate", "primary",
                "primary_reselect", "lacp_rate", "xmit_hash_policy", "min_links", "fail_over_mac");
        List<?> names = List.copyOf(((Map<?, ?>) b.get("options")).keySet());
        assertEquals(v1, names.subList(0, Math.min(v1.size(), names.size())));
        assertEquals(BondOption.values().length - 1, names.size(), "every option but the mode: " + names);
        for (Object added : names.subList(v1.size(), names.size())) {
            assertNotNull(BondOption.of((String) added), added + " is no key of the table");
        }
        List<?> slaves = (List<?>) b.get("slaves");
        assertEquals(4, slaves.size());
        Map<?, ?> active = slaves.stream().map(o -> (Map<?, ?>) o).filter(s -> s.get("ifname").equals(b.get("active_slave")))
                .findFirst().orElseThrow();
        assertEquals(2L, active.get("slot"), "primary = slot 2 port 0");
        assertEquals(0L, active.get("port"));
        assertEquals("up", active.get("bond_view"));
        assertEquals(true, active.get("carrier"));
    }

    @Test
    @Order(5)
    void unknownCommandsAndBadArguments() throws Exception {
        Map<String, Object> r = had.request("{\"v\":1,\"cmd\":\"reboot\"}");
        assertEquals(false, r.get("ok"));
        assertEquals("unknown-command", r.get("code"));
        assertTrue(String.valueOf(r.get("error")).contains("status, slots, bonds"), r.toString());
        assertEquals("bad-request", had.request("{\"v\":1,\"cmd\":\"extract\"}").get("code"));
        assertEquals("bad-request", had.request("{\"v\":1,\"cmd\":\"extract\",\"slot\":\"2\"}").get("code"));
        assertEquals("bad-request", had.request("{\"v\":1,\"cmd\":\"extract\",\"slot\":2,\"force\":\"yes\"}").get("code"));
        Map<String, Object> unknownSlot = had.request("{\"v\":1,\"cmd\":\"insert\",\"slot\":7}");
        assertEquals("bad-request", unknownSlot.get("code"));
        assertTrue(String.valueOf(unknownSlot.get("error")).contains("slots: 2, 12, 16"), unknownSlot.toString());
    }

    @Test
    @Order(6)
    void drillStepsGoIntoTheAuditLogThroughTheDaemon() throws Exception {
        Map<String, Object> r = result(had.request(
                "{\"v\":1,\"cmd\":\"record\",\"type\":\"drill.step\",\"fields\":{\"drill\":\"pull-12\",\"step\":1,\"note\":\"start\"}}"));
        assertEquals("drill.step", r.get("recorded"));
        List<Map<String, Object>> recs = had.audit(m -> "drill.step".equals(m.get("type")));
        assertEquals(1, recs.size());
        assertEquals("pull-12", recs.get(0).get("drill"));
        assertEquals(1L, recs.get(0).get("step"));
        assertEquals(System.getProperty("user.name"), recs.get(0).get("by"));
        assertEquals("bad-request", had.request("{\"v\":1,\"cmd\":\"record\",\"type\":\"slot.state\",\"fields\":{}}").get("code"));
        assertEquals("bad-request", had.request(
                "{\"v\":1,\"cmd\":\"record\",\"type\":\"drill.step\",\"fields\":{\"seq\":1}}").get("code"));
        assertEquals("bad-request", had.request("{\"v\":1,\"cmd\":\"record\",\"type\":\"drill.step\",\"fields\":[1]}").get("code"));
    }

    @Test
    @Order(10)
    void hadctlReadsAndExitStatuses() throws Exception {
        ServiceFixture.Run status = had.hadctl("status");
        assertEquals(0, status.status(), status.err());
        assertTrue(status.out().startsWith("had " + Service.VERSION + ", simulated, pid "), status.out());
        assertTrue(status.out().contains(had.hadConf.toString()), status.out());

        ServiceFixture.Run slots = had.hadctl("slots");
        assertEquals(0, slots.status());
        assertTrue(slots.out().lines().findFirst().orElseThrow().matches("SLOT +STATE +HPI +LED +ATTN +PORTS +MODULES +CARD +REASON"),
                slots.out());
        assertTrue(slots.out().lines().anyMatch(l -> l.matches("12 +ACTIVE +ACTIVE +- +- +0=eth\\d 1=eth\\d +e1000e .*")), slots.out());

        ServiceFixture.Run bonds = had.hadctl("bonds");
        assertEquals(0, bonds.status());
        assertTrue(bonds.out().startsWith("bond0  active-backup  UP  4/4 working  active eth"), bonds.out());

        ServiceFixture.Run json = had.hadctl("--json", "slots");
        assertEquals(0, json.status());
        List<?> slotList = (List<?>) Json.parseObject(json.out().trim()).get("slots");
        assertEquals(4, slotList.size());
        assertEquals("ACTIVE", ((Map<?, ?>) slotList.get(0)).get("hpi_state"));

        assertEquals(0, had.hadctl("--help").status());
        assertTrue(had.hadctl("--help").out().contains("3  cannot reach had"));
        assertEquals(2, had.hadctl().status());
        assertEquals(2, had.hadctl("frobnicate").status());
        assertEquals(2, had.hadctl("extract").status());
        assertEquals(2, had.hadctl("extract", "two").status());
        ServiceFixture.Run unknownSlot = had.hadctl("extract", "7");
        assertEquals(2, unknownSlot.status());
        assertTrue(unknownSlot.err().contains("slot 7 is not in"), unknownSlot.err());

        ServiceFixture.Run gone = had.hadctl("--socket", dir.resolve("nowhere.sock").toString(), "status");
        assertEquals(3, gone.status());
        assertTrue(gone.err().contains("no control socket at") && gone.err().contains("is had running?"), gone.err());
        Path stale = dir.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        ServiceFixture.Run nobody = had.hadctl("--socket", stale.toString(), "status");
        assertEquals(3, nobody.status());
        assertTrue(nobody.err().contains("nothing listens on"), nobody.err());
    }

    @Test
    @Order(20)
    void extractCancelInsertThroughHadctl() throws Exception {
        ServiceFixture.Run extract = had.hadctl("extract", "12");
        assertEquals(0, extract.status(), extract.err());
        assertTrue(extract.out().startsWith("slot 12: extraction accepted"), extract.out());
        ServiceFixture.await(() -> state(12) == SlotState.SAFE_TO_REMOVE, "slot 12 is safe to remove");

        // slot 2 now carries bond0's last working slaves: refused, attention on, exit 1
        ServiceFixture.Run refused = had.hadctl("extract", "2");
        assertEquals(1, refused.status(), refused.out() + refused.err());
        assertTrue(refused.err().contains("refused: bond0 would lose its last working slave"), refused.err());
        assertTrue((boolean) had.core(c -> c.slotView(2).attention()));
        Map<String, Object> raw = had.request("{\"v\":1,\"cmd\":\"extract\",\"slot\":2}");
        assertEquals("refused", raw.get("code"));

        ServiceFixture.Run withdraw = had.hadctl("cancel", "2");
        assertEquals(0, withdraw.status(), withdraw.err());
        assertFalse((boolean) had.core(c -> c.slotView(2).attention()));
        assertEquals(1, had.hadctl("cancel", "16").status(), "nothing to cancel in slot 16");

        ServiceFixture.Run again = had.hadctl("extract", "12");
        assertEquals(0, again.status(), "already safe to remove is no failure: " + again.err());

        ServiceFixture.Run insert = had.hadctl("--json", "insert", "12");
        assertEquals(0, insert.status(), insert.err());
        assertEquals("powered on", Json.parseObject(insert.out().trim()).get("outcome"));
        ServiceFixture.await(() -> state(12) == SlotState.ACTIVE, "slot 12 is back in service");
        ServiceFixture.await(() -> working("bond0") == 4, "bond0 has 4 working slaves again");

        List<Map<String, Object>> requests = had.audit(m -> "extraction.requested".equals(m.get("type")));
        assertTrue(requests.stream().allMatch(m -> String.valueOf(m.get("source")).startsWith("hadctl (")), requests.toString());
    }

    @Test
    @Order(30)
    void theSocketFileGoesWithTheService() throws Exception {
        assertTrue(Files.exists(had.socket));
        had.service.close();
        assertFalse(Files.exists(had.socket));
        assertEquals(3, had.hadctl("status").status());
    }
}
