package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditReader;
import had.backplane.bridge.SimChassisControl;
import had.core.SlotState;
import had.report.Availability;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * had's Prometheus endpoint on the simulated chassis: every figure follows what the chassis did,
 * the availability figures are the report's, reloads move the endpoint, and a stuck core makes a
 * scrape fail in bounded time instead of answering old figures.
 */
class MetricsServiceTest {
    @TempDir
    Path dir;

    private ServiceFixture had;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (had != null) had.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String withMetrics(String conf, int port) {
        return conf + "\n[metrics]\nlisten = 127.0.0.1:" + port + "\n";
    }

    private HttpResponse<String> get(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of one scrape, by series ("had_bond_up{bond=\"bond0\"}"). */
    private Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = get(port);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return out;
    }

    private static double value(Map<String, Double> m, String series) {
        Double v = m.get(series);
        if (v == null) throw new AssertionError("no series " + series + " in " + new java.util.TreeMap<>(m).keySet());
        return v;
    }

    private SlotState state(int slot) {
        try {
            return had.core(c -> c.slotView(slot).state());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private boolean bondUp() {
        try {
            return had.core(c -> c.bonds().get(0).up());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFiguresFollowTheChassisAndAgreeWithTheReport() throws Exception {
        int port = freePort();
        had = new ServiceFixture(dir, withMetrics(ServiceFixture.shippedConf(), port), false);
        had.insert(2, 2);
        had.insert(12, 2);
        had.insert(16, 1);
        ServiceFixture.await(() -> scrapeOr(port, "had_bond_working_slaves{bond=\"bond0\"}") == 4, "4 working slaves scraped");
        Map<String, Double> m = scrape(port);
        assertEquals(1, value(m, "had_bond_up{bond=\"bond0\"}"));
        assertEquals(4, value(m, "had_bond_expected_slaves{bond=\"bond0\"}"));
        assertEquals(1, value(m, "had_slot_state{slot=\"2\",state=\"ACTIVE\"}"));
        assertEquals(0, value(m, "had_slot_state{slot=\"2\",state=\"EMPTY\"}"));
        assertEquals(1, value(m, "had_slot_state{slot=\"18\",state=\"EMPTY\"}"));
        assertEquals(1, value(m, "had_slot_insertions_total{slot=\"12\"}"));
        assertEquals(1, value(m, "had_address_up{address=\"10.0.2.1\"}"));
        assertEquals(1, value(m, "had_slave_carrier{bond=\"bond0\",slave=\"eth1\"}"));
        assertEquals(1, value(m, "had_build_info{version=\"" + Service.VERSION + "\"}"));
        assertTrue(value(m, "had_audit_records_total") > 10, "records written are counted");
        assertTrue(value(m, "had_audit_fsyncs_total") >= 1, "fsyncs are counted");

        assertEquals(0, had.hadctl("extract", "12").status());
        ServiceFixture.await(() -> state(12) == SlotState.SAFE_TO_REMOVE, "slot 12 safe to remove");
        m = scrape(port);
        assertEquals(1, value(m, "had_slot_planned_extractions_total{slot=\"12\"}"));
        assertEquals(1, value(m, "had_slot_led{slot=\"12\"}"));
        assertEquals(2, value(m, "had_bond_working_slaves{bond=\"bond0\"}"));
        assertEquals(1, value(m, "had_bond_up{bond=\"bond0\"}"));
        try (SimChassisControl ctl = SimChassisControl.connect(had.chassis.controlSocket())) {
            ctl.remove(12);
            ctl.remove(2);
        }
        ServiceFixture.await(() -> !bondUp() && state(2) == SlotState.EMPTY && state(12) == SlotState.EMPTY,
                "bond0 down, slots 2 and 12 empty");
        ServiceFixture.await(() -> scrapeOr(port, "had_bond_up{bond=\"bond0\"}") == 0, "bond0 down scraped");
        m = scrape(port);
        assertEquals(1, value(m, "had_slot_surprise_removals_total{slot=\"2\"}"));
        assertEquals(0, value(m, "had_slot_surprise_removals_total{slot=\"12\"}"));
        assertEquals(1, value(m, "had_bond_outages_total{bond=\"bond0\"}"));
        double before = value(m, "had_bond_downtime_seconds_total{bond=\"bond0\"}");
        Thread.sleep(300);
        double after = value(scrape(port), "had_bond_downtime_seconds_total{bond=\"bond0\"}");
        assertTrue(after - before >= 0.25, "downtime runs while the bond is down: " + before + " -> " + after);

        // The report over the file, to the same moment, counts the same outage.
        Availability report = new Availability();
        AuditReader.read(had.chassis.daemon().audit().file(), report::accept);
        Availability.ServiceReport bond0 = report.finish().services().stream()
                .filter(s -> s.service().equals("bond0")).findFirst().orElseThrow();
        assertEquals(1, bond0.outageCount());
        assertTrue(bond0.downNanos() / 1e9 <= after + 0.05, "report " + bond0.downNanos() / 1e9 + " s vs metric " + after);

        had.insert(2, 2);
        ServiceFixture.await(() -> scrapeOr(port, "had_bond_up{bond=\"bond0\"}") == 1, "bond0 up again scraped");
        m = scrape(port);
        assertEquals(2, value(m, "had_slot_insertions_total{slot=\"2\"}"));
        assertEquals(1, value(m, "had_bond_outages_total{bond=\"bond0\"}"));
    }

    private double scrapeOr(int port, String series) {
        try {
            Double v = scrape(port).get(series);
            return v == null ? Double.NaN : v;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    @Test
    void aReloadMovesTheEndpointAndARefusedOneLeavesIt() throws Exception {
        int first = freePort();
        had = new ServiceFixture(dir, withMetrics(ServiceFixture.shippedConf(), first), false);
        assertEquals(0, value(scrape(first), "had_reloads_total{result=\"applied\"}"));
        int second = freePort();
        assertNotEquals(first, second);
        Files.writeString(had.hadConf, withMetrics(ServiceFixture.shippedConf(), second));
        assertEquals(0, had.hadctl("reload").status());
        assertThrows(ConnectException.class, () -> get(first));
        Map<String, Double> m = scrape(second);
        assertEquals(1, value(m, "had_reloads_total{result=\"applied\"}"));
        Files.writeString(had.hadConf, withMetrics(ServiceFixture.shippedConf(), second) + "[metrics]\n");
        assertNotEquals(0, had.hadctl("reload").status());
        m = scrape(second);
        assertEquals(1, value(m, "had_reloads_total{result=\"refused\"}"));
        Files.writeString(had.hadConf, ServiceFixture.shippedConf());
        assertEquals(0, had.hadctl("reload").status());
        assertThrows(ConnectException.class, () -> get(second));
    }

    @Test
    void aStuckCoreFailsTheScrapeInBoundedTime() throws Exception {
        int port = freePort();
        had = new ServiceFixture(dir, withMetrics(ServiceFixture.shippedConf(), port), false);
        scrape(port);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        had.chassis.daemon().loop().post(() -> {
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();
        HttpResponse<String> r = get(port);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        release.countDown();
        assertNotEquals(200, r.statusCode(), "a scrape must not answer while the core cannot be read");
        assertTrue(ms < 5_000, "answered in " + ms + " ms");
        assertEquals(1, value(scrape(port), "had_bond_expected_slaves{bond=\"bond0\"}") / 4);
    }
}
