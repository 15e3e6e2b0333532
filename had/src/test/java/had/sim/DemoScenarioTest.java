package had.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditChain;
import had.audit.AuditReader;
import had.backplane.bridge.SimChassisControl;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.core.Settings;
import had.core.SlotState;
import had.core.SlotView;
import had.network.IfAddress;
import had.network.NetworkState;
import had.report.Availability;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `make run`'s scenario end to end: shipped configuration, picmg-bridge's simulated backplane
 * through jnr-ffi, the simulated bonding driver, a real audit log. Checks bond membership and
 * the active slave after every step, and that the planned extraction never left bond0 without a
 * working slave.
 */
class DemoScenarioTest {
    @TempDir
    Path dir;

    private long extractionStart;

    @Test
    void theScenarioKeepsBond0WholeThroughThePlannedExtraction() throws Exception {
        LoadResult loaded = new ConfigLoader().load(Path.of("conf/had.conf"), Path.of("conf/pcidrivers.conf"));
        assertTrue(loaded.ok(), loaded.errors().toString());
        ByteArrayOutputStream narration = new ByteArrayOutputStream();
        Path auditFile = dir.resolve("audit.log");
        try (SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), Settings.DEFAULT, dir, auditFile)) {
            DemoScenario scenario = new DemoScenario(chassis, new PrintStream(narration, true, StandardCharsets.UTF_8), 200);
            scenario.play((step, c) -> check(step, c, scenario));
        }
        List<Map<String, Object>> records = new ArrayList<>();
        AuditReader.read(auditFile, records::add);
        assertChained(auditFile);
        Availability a = new Availability();
        records.forEach(a::accept);
        Availability.ServiceReport bond0 = a.finish().services().stream()
                .filter(s -> s.service().equals("bond0")).findFirst().orElseThrow();
        // Only the yank and the dead path may cost anything: the yank no more than the MII monitor's
        // period plus one tick, the dead path no more than path_missed + 1 probe rounds of 20 ms
        // plus a few ticks of the loop (it starts half a round before the first unanswered probe).
        List<Availability.Outage> path = bond0.outages().stream().filter(o -> o.cause().startsWith("path to 10.0.1.100 lost on ")).toList();
        List<Availability.Outage> other = bond0.outages().stream().filter(o -> !path.contains(o)).toList();
        assertEquals(1, path.size(), bond0.outages().toString());
        assertTrue(path.get(0).cause().endsWith(" (slot 2 port 0), carrier up"), path.get(0).cause());
        assertTrue(path.get(0).durationNanos() <= 150_000_000L, path.get(0).toString());
        assertTrue(other.size() <= 1, other.toString());
        long yank = other.stream().mapToLong(Availability.Outage::durationNanos).sum();
        assertTrue(yank <= 110_000_000L, "bond0 down for the yank " + yank + " ns");
        assertEquals(1, records.stream().filter(r -> "card.removed".equals(r.get("type"))
                && Boolean.TRUE.equals(r.get("improper"))).count());
        assertEquals(1, records.stream().filter(r -> "card.removed".equals(r.get("type"))
                && Boolean.FALSE.equals(r.get("improper"))).count());
    }

    private void check(DemoScenario.Step step, SimulatedChassis c, DemoScenario scenario) throws Exception {
        NetworkState net = c.network().read();
        NetworkState.Bond bond0 = net.bond("bond0");
        SlotView s2 = scenario.slotView(2), s12 = scenario.slotView(12), s16 = scenario.slotView(16);
        switch (step) {
            case INSERTED -> {
                assertEquals(List.of(s2.ports().get(0), s2.ports().get(1), s12.ports().get(0), s12.ports().get(1))
                        .stream().sorted().toList(), bond0.slaves().stream().sorted().toList());
                assertEquals(s2.ports().get(0), bond0.activeSlave(), "primary = slot 2 port 0");
                assertEquals(List.of("10.0.2.1/24"), net.link(s16.ports().get(0)).addresses().stream()
                        .map(IfAddress::toString).toList());
                extractionStart = System.nanoTime();
            }
            case EXTRACTED -> {
                assertEquals(SlotState.SAFE_TO_REMOVE, s2.state());
                assertEquals(List.of(s12.ports().get(0), s12.ports().get(1)).stream().sorted().toList(),
                        bond0.slaves().stream().sorted().toList());
                assertEquals(s12.ports().get(0), bond0.activeSlave());
                long now = System.nanoTime();
                assertEquals(0, c.network().changeLog().nanosWithoutWorkingSlave("bond0", extractionStart, now));
                assertEquals(List.of(), c.network().changeLog().losses("bond0").stream()
                        .filter(l -> l.until() - extractionStart > 0).toList(), "the handover cost bond0 no traffic");
                assertTrue(c.network().changeLog().minWorkingSlaves("bond0", extractionStart, now) >= 1);
                try (SimChassisControl ctl = SimChassisControl.connect(c.controlSocket())) {
                    SimChassisControl.Leds leds = ctl.leds(2);
                    assertTrue(leds.led() && !leds.power(), leds.toString());
                }
            }
            case PULLED -> {
                assertEquals(SlotState.EMPTY, s2.state());
                assertEquals(2, bond0.slaves().size());
            }
            case REINSERTED, RESTORED -> {
                assertEquals(SlotState.ACTIVE, s2.state());
                assertEquals(4, bond0.slaves().size());
                assertEquals(s2.ports().get(0), bond0.activeSlave(), "the primary takes over again");
            }
            case PATH_CUT -> {
                assertEquals(4, bond0.slaves().size(), "active-backup: a dead path stays enslaved, as a backup");
                assertTrue(!s2.ports().get(0).equals(bond0.activeSlave()), "off the dead path");
                assertTrue(c.network().read().link(s2.ports().get(0)).carrier(), "the link never went down");
            }
            case PATH_BACK -> assertEquals(s2.ports().get(0), bond0.activeSlave(), "back on the primary");
            case YANKED -> {
                assertEquals(SlotState.EMPTY, s2.state());
                assertEquals(List.of(s12.ports().get(0), s12.ports().get(1)).stream().sorted().toList(),
                        bond0.slaves().stream().sorted().toList());
                assertEquals(s12.ports().get(0), bond0.activeSlave());
            }
        }
    }

    private static void assertChained(Path file) throws Exception {
        String prev = AuditChain.GENESIS;
        long seq = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String body = AuditChain.bodyOf(line);
            assertTrue(body != null, line);
            assertEquals(AuditChain.hashOf(body), AuditChain.hashField(line), line);
            assertTrue(body.contains("\"prev\":\"" + prev + "\""), line);
            assertTrue(line.contains("\"seq\":" + (++seq) + ","), line);
            prev = AuditChain.hashField(line);
        }
        assertTrue(seq > 50, "records: " + seq);
    }
}
