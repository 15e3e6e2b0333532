package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.config.ChassisConfig;
import had.core.SlotState;
import had.network.NetworkChange;
import had.network.NetworkState;
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
 * Reload on the simulated chassis with two bonds: a valid file is applied as a difference (the
 * bond whose options did not change is not touched at all), a file with errors is refused and the
 * running configuration stays, whether asked by hadctl or by SIGHUP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadTest {
    static final String CONF = """
            [bond bond0]
            address = 10.0.1.1/24
            mode = active-backup
            miimon = 100
            primary = slot 2 port 0
            [bond bond1]
            address = 10.0.3.1/24
            mode = active-backup
            miimon = MIIMON
            [config to-bond0]
            bond = bond0
            [config to-bond1]
            bond = bond1
            [slot 2]
            0 = to-bond0
            1 = to-bond0
            [slot 12]
            0 = to-bond0
            1 = to-bond0
            [slot 16]
            0 = to-bond1
            1 = to-bond1
            """;

    @TempDir
    static Path dir;

    private ServiceFixture had;

    @BeforeAll
    void start() throws Exception {
        had = new ServiceFixture(dir, CONF.replace("MIIMON", "100"), true);
        had.insert(2, 2);
        had.insert(12, 2);
        had.insert(16, 2);
        ServiceFixture.await(() -> bond("bond0") != null && bond("bond0").slavesMiiUp() == 4, "bond0 has 4 working slaves");
        ServiceFixture.await(() -> bond("bond1") != null && bond("bond1").slavesMiiUp() == 2, "bond1 has 2 working slaves");
        ServiceFixture.await(() -> {
            try {
                return had.core(c -> c.slots().stream().allMatch(s -> s.state() == SlotState.ACTIVE));
            } catch (Exception e) {
                return false;
            }
        }, "every slot is active");
        Thread.sleep(200); // let the in-service records land
    }

    @AfterAll
    void stop() {
        if (had != null) had.close();
    }

    private NetworkState.Bond bond(String name) {
        return had.chassis.network().read().bond(name);
    }

    private static boolean concerns(Map<String, Object> rec, String bond) {
        String action = String.valueOf(rec.get("action"));
        return bond.equals(rec.get("bond")) || bond.equals(rec.get("ifname")) || action.contains(bond + " ")
                || bond.equals(rec.get("service"));
    }

    @Test
    @Order(1)
    void onlyTheDifferenceIsApplied() throws Exception {
        NetworkState.Bond bond0Before = bond("bond0");
        int bond0Changes = had.chassis.network().changeLog().of("bond0").size();
        long seqBefore = (Long) had.audit().get(had.audit().size() - 1).get("seq");

        Files.writeString(had.hadConf, CONF.replace("MIIMON", "200"));
        ServiceFixture.Run r = had.hadctl("reload");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("configuration applied"), r.out());
        ServiceFixture.await(() -> bond("bond1").options().miimon() == 200, "bond1's miimon is 200");
        Thread.sleep(300); // anything else the reload would do has happened by now

        List<Map<String, Object>> after = had.audit(m -> (Long) m.get("seq") > seqBefore);
        assertEquals(1, after.stream().filter(m -> "config.applied".equals(m.get("type"))).count(), after.toString());
        List<Map<String, Object>> bond1 = after.stream().filter(m -> "net.change".equals(m.get("type")) && concerns(m, "bond1")).toList();
        assertEquals(1, bond1.size(), after.toString());
        assertTrue(String.valueOf(bond1.get(0).get("action")).contains("miimon 100 -> 200"), bond1.toString());
        List<Map<String, Object>> bond0 = after.stream().filter(m -> concerns(m, "bond0")).toList();
        assertEquals(List.of(), bond0, "bond0's options did not change: not a single action on it");
        assertEquals(List.of(), after.stream().filter(m -> String.valueOf(m.get("type")).startsWith("bond.")).toList(),
                "no release, enslave or active-slave change anywhere");

        List<NetworkChange> bond0Log = had.chassis.network().changeLog().of("bond0");
        assertEquals(bond0Changes, bond0Log.size(), "the bonding driver saw nothing happen to bond0: " + bond0Log);
        NetworkState.Bond bond0After = bond("bond0");
        assertEquals(bond0Before.options(), bond0After.options());
        assertEquals(bond0Before.slaves(), bond0After.slaves());
        assertEquals(bond0Before.activeSlave(), bond0After.activeSlave());
        assertEquals(2, bond("bond1").slaves().size(), "bond1 kept its slaves");
        assertEquals(200, (int) had.core(c -> c.config().bonds().get("bond1").options().miimon()));
    }

    @Test
    @Order(2)
    void aFileWithErrorsIsRefusedAndTheRunningConfigurationStays() throws Exception {
        ChassisConfig running = had.core(c -> c.config());
        String shaBefore = Reloader.sha256(had.hadConf);
        Files.writeString(had.hadConf, CONF.replace("MIIMON", "fast").replace("[slot 16]", "[slot 16]\n7 = nowhere"));

        ServiceFixture.Run r = had.hadctl("reload");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("configuration refused"), r.err());
        assertTrue(r.err().contains(had.hadConf + ":9: "), "FILE:LINE for the miimon line: " + r.err());
        assertTrue(r.err().lines().filter(l -> l.startsWith("  " + had.hadConf + ":")).count() >= 2, r.err());

        assertSame(running, had.core(c -> c.config()), "the running configuration stays");
        assertEquals(200, bond("bond1").options().miimon());
        List<Map<String, Object>> refused = had.audit(m -> "config.refused".equals(m.get("type")));
        assertEquals(1, refused.size());
        assertEquals("control socket", refused.get(0).get("source"));
        assertTrue(String.valueOf(refused.get(0).get("errors")).contains(had.hadConf + ":9: "), refused.toString());

        Map<?, ?> status = (Map<?, ?>) had.request("{\"v\":1,\"cmd\":\"status\"}").get("result");
        Map<?, ?> file = (Map<?, ?>) ((List<?>) status.get("config")).get(0);
        assertTrue(!shaBefore.equals(Reloader.sha256(had.hadConf)));
        assertEquals(shaBefore, file.get("sha256"), "status shows what is running, not what is on disk");
    }

    @Test
    @Order(3)
    void sighupReloadsToo() throws Exception {
        // the bad file from the test before is still there: SIGHUP is refused the same way
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertEquals(0, kill.waitFor());
        ServiceFixture.await(() -> {
            try {
                return had.audit(m -> "config.refused".equals(m.get("type")) && "SIGHUP".equals(m.get("source"))).size() == 1;
            } catch (Exception e) {
                return false;
            }
        }, "the refusal on SIGHUP is recorded");

        Files.writeString(had.hadConf, CONF.replace("MIIMON", "300"));
        kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertEquals(0, kill.waitFor());
        ServiceFixture.await(() -> bond("bond1").options().miimon() == 300, "SIGHUP applied miimon 300");
        assertNotNull(bond("bond0"));
        assertEquals(100, bond("bond0").options().miimon());
    }
}
