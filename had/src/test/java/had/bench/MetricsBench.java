package had.bench;

import had.backplane.bridge.SimChassisControl;
import had.sim.DemoScenario;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a Prometheus scrape costs had: {@code bin/had --simulate} (the shipped JVM options) on a
 * full 21-slot chassis (dual-port cards in every slot, two bonds) with {@code [metrics]} on
 * loopback, scraped {@value #SCRAPES} times in a row as Prometheus asks (OpenMetrics, gzip); had's CPU time (from /proc, user + system)
 * over the scrapes, less what it spends idle over as long (housekeeping), per scrape. Goal: under
 * 2 ms of had's CPU per scrape.
 */
final class MetricsBench {
    static final int SCRAPES = 2000;
    static final int WARM_UP = 2000;
    static final int ROUNDS = 3;
    static final double GOAL_MS = 2.0;

    private MetricsBench() {}

    public static void main(String[] args) throws Exception {
        System.out.print(report());
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A chassis with every slot 1..21 holding a dual-port card: slots 1-10 in bond0, 11-21 in an 802.3ad bond1. */
    static String fullChassis(int port) {
        StringBuilder c = new StringBuilder("[bond bond0]\naddress = 10.0.1.1/24\nmode = active-backup\nmiimon = 100\n"
                + "[bond bond1]\naddress = 10.0.3.1/24\nmode = 802.3ad\nmiimon = 100\n"
                + "[config a]\nbond = bond0\n[config b]\nbond = bond1\n");
        for (int n = 1; n <= 21; n++) {
            String cfg = n <= 10 ? "a" : "b";
            c.append("[slot ").append(n).append("]\n0 = ").append(cfg).append("\n1 = ").append(cfg).append('\n');
        }
        return c.append("[metrics]\nlisten = 127.0.0.1:").append(port).append('\n').toString();
    }

    static String report() throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path tmp = Files.createTempDirectory("had-metrics");
        int port = freePort();
        Path conf = Files.writeString(tmp.resolve("had.conf"), fullChassis(port));
        HttpClient http = HttpClient.newHttpClient();
        // As Prometheus 2.42 asks: OpenMetrics preferred, gzip accepted.
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .header("Accept-Encoding", "gzip").build();
        try (HadProcess had = HadProcess.start(top, tmp.resolve("had"), conf, List.of(), "")) {
            try (SimChassisControl sim = SimChassisControl.connect(tmp.resolve("had").resolve("sim.sock"))) {
                for (int n = 1; n <= 21; n++) sim.insert(n, DemoScenario.CARD, 2);
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            String body = "";
            HttpRequest plain = HttpRequest.newBuilder(get.uri()).build();
            while (System.nanoTime() < deadline) {
                body = http.send(plain, HttpResponse.BodyHandlers.ofString()).body();
                if (body.lines().filter(l -> l.startsWith("had_slot_state{") && l.contains("state=\"ACTIVE\"") && l.endsWith(" 1.0"))
                        .count() == 21) break;
                Thread.sleep(100);
            }
            long active = body.lines().filter(l -> l.startsWith("had_slot_state{") && l.contains("state=\"ACTIVE\"")
                    && l.endsWith(" 1.0")).count();
            if (active != 21) throw new IllegalStateException("only " + active + " of 21 slots came into service:\n" + had.output());
            long series = body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
            for (int i = 0; i < WARM_UP; i++) http.send(get, HttpResponse.BodyHandlers.discarding());
            // Rounds of scrapes, each followed by as long idle: the median round is the figure.
            List<double[]> rounds = new java.util.ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                long c0 = had.cpuNanos(), t0 = System.nanoTime();
                for (int i = 0; i < SCRAPES; i++) {
                    HttpResponse<Void> r = http.send(get, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) throw new IllegalStateException("scrape answered " + r.statusCode());
                }
                long busyCpu = had.cpuNanos() - c0, busyWall = System.nanoTime() - t0;
                long c1 = had.cpuNanos();
                Thread.sleep(Math.max(1000, busyWall / 1_000_000));
                long idleCpu = (had.cpuNanos() - c1) * busyWall / Math.max(busyWall, 1_000_000_000L);
                rounds.add(new double[] {(busyCpu - idleCpu) / 1e6 / SCRAPES, busyWall / 1e9, busyCpu / 1e9, idleCpu / 1e9});
            }
            rounds.sort(java.util.Comparator.comparingDouble(x -> x[0]));
            double[] m = rounds.get(ROUNDS / 2);
            StringBuilder all = new StringBuilder();
            for (double[] x : rounds) all.append(String.format(Locale.ROOT, " %.2f", x[0]));
            return String.format(Locale.ROOT, "Metrics: a scrape of a full 21-slot chassis (bin/had --simulate, 42 ports in 2 bonds,"
                            + " %d series, %d bytes, asked as Prometheus asks)%n  had's CPU per scrape: %.2f ms, median of %d rounds"
                            + " (%s ms; goal < %.0f ms: %s); a round: %d scrapes in %.1f s, had's CPU %.2f s, %.2f s of it"
                            + " idle work; RSS %.1f MiB%n",
                    series, body.length(), m[0], ROUNDS, all.toString().trim(), GOAL_MS, m[0] < GOAL_MS ? "met" : "NOT met",
                    SCRAPES, m[1], m[2], m[3], had.status("VmRSS") / 1024.0);
        } finally {
            HadProcess.delete(tmp);
        }
    }
}
