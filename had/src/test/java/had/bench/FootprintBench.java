package had.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * had's footprint as a daemon: {@code bin/had --simulate} started as a child process, exactly as
 * an operator would run it (the JVM options of packaging/had.jvm.options, the class data sharing
 * archive when make built it). Start-up is the time from starting the process to READY=1 on a
 * NOTIFY_SOCKET this benchmark owns (the median of several starts); memory is the process's
 * resident set (VmRSS in /proc/PID/status) once the demo scenario is over, and again after a
 * while of steady state, with its peak (VmHWM).
 */
final class FootprintBench {
    static final int STARTS = 5;
    static final long STEADY_MS = 10_000;

    private FootprintBench() {}

    public static void main(String[] args) throws Exception {
        System.out.print(report());
    }

    static String report() throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path tmp = Files.createTempDirectory("had-footprint");
        try {
            StringBuilder r = new StringBuilder();
            r.append("Footprint: bin/had --simulate (").append(jvmOptions(top)).append(")\n");
            r.append(measure(top, tmp.resolve("plain"), top.resolve("conf/had.conf"), -1));
            // The same with had.conf's [metrics] on loopback, scraped once a second: what the
            // Prometheus client library (its model, text format and HTTP server) costs had.
            int port = MetricsBench.freePort();
            Path conf = Files.writeString(tmp.resolve("had.conf"), Files.readString(top.resolve("conf/had.conf"))
                    + "\n[metrics]\nlisten = 127.0.0.1:" + port + "\n");
            r.append(String.format(java.util.Locale.ROOT, "  with [metrics] on 127.0.0.1:%d, scraped every second:%n", port));
            r.append(measure(top, tmp.resolve("metrics"), conf, port));
            return r.toString();
        } finally {
            HadProcess.delete(tmp);
        }
    }

    /** READY (median of STARTS) and resident memory on {@code conf}; {@code port} > 0: scraped every second meanwhile. */
    private static String measure(Path top, Path dir, Path conf, int port) throws Exception {
        List<Long> ready = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            try (HadProcess h = HadProcess.start(top, dir.resolve("start" + i), conf, List.of(), "")) {
                ready.add(h.readyMs);
            }
        }
        Collections.sort(ready);
        long afterDemo, steady, hwm;
        int scrapes = 0;
        try (HadProcess h = HadProcess.start(top, dir.resolve("demo"), conf, List.of("--scenario", "demo"), "")) {
            h.awaitLine("had keeps running", 60);
            afterDemo = h.status("VmRSS");
            long end = System.nanoTime() + STEADY_MS * 1_000_000L;
            java.net.http.HttpClient http = port > 0 ? java.net.http.HttpClient.newHttpClient() : null;
            while (System.nanoTime() < end) {
                if (http != null) {
                    var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                    if (resp.statusCode() != 200) throw new IllegalStateException("scrape answered " + resp.statusCode());
                    scrapes++;
                }
                Thread.sleep(1000);
            }
            steady = h.status("VmRSS");
            hwm = h.status("VmHWM");
        }
        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "  start-up to READY=1: %d ms median of %d starts (min %d, max %d)%n",
                ready.get(ready.size() / 2), ready.size(), ready.get(0), ready.get(ready.size() - 1)));
        r.append(String.format(Locale.ROOT, "  resident memory after the demo scenario: %.1f MiB%n", afterDemo / 1024.0));
        r.append(String.format(Locale.ROOT, "  resident memory after %d s of steady state%s: %.1f MiB (peak %.1f MiB)%n",
                STEADY_MS / 1000, scrapes > 0 ? " and " + scrapes + " scrapes" : "", steady / 1024.0, hwm / 1024.0));
        return r.toString();
    }

    private static String jvmOptions(Path top) throws IOException {
        List<String> o = new ArrayList<>();
        for (String line : Files.readAllLines(top.resolve("packaging/had.jvm.options"))) {
            if (!line.isBlank() && !line.startsWith("#")) o.add(line.trim());
        }
        if (Files.exists(top.resolve("target/had.jsa"))) o.add("+ target/had.jsa");
        String extra = System.getenv("HAD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) o.add("+ " + extra.trim());
        return String.join(" ", o);
    }
}
