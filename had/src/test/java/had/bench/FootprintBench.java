package had.bench;

import had.os.UnixDatagram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
        Path had = top.resolve("bin/had");
        if (!Files.isExecutable(had)) throw new IllegalStateException(had + " not found: run make bench from the top");
        Path tmp = Files.createTempDirectory("had-footprint");
        try {
            List<Long> ready = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) ready.add(startToReady(top, had, tmp.resolve("start" + i), false).readyMs);
            Collections.sort(ready);
            Run demo = startToReady(top, had, tmp.resolve("demo"), true);
            StringBuilder r = new StringBuilder();
            r.append("Footprint: bin/had --simulate (").append(jvmOptions(top)).append(")\n");
            r.append(String.format(Locale.ROOT, "  start-up to READY=1: %d ms median of %d starts (min %d, max %d)%n",
                    ready.get(ready.size() / 2), ready.size(), ready.get(0), ready.get(ready.size() - 1)));
            r.append(String.format(Locale.ROOT, "  resident memory after the demo scenario: %.1f MiB%n", demo.rssAfterDemo / 1024.0));
            r.append(String.format(Locale.ROOT, "  resident memory after %d s of steady state: %.1f MiB (peak %.1f MiB)%n",
                    STEADY_MS / 1000, demo.rssSteady / 1024.0, demo.hwm / 1024.0));
            return r.toString();
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Run(long readyMs, long rssAfterDemo, long rssSteady, long hwm) {}

    private static Run startToReady(Path top, Path had, Path dir, boolean demo) throws Exception {
        Files.createDirectories(dir);
        String notify = dir.resolve("notify").toString();
        try (UnixDatagram systemd = UnixDatagram.bind(notify)) {
            List<String> cmd = new ArrayList<>(List.of(had.toString(), "--simulate",
                    "-c", top.resolve("conf/had.conf").toString(), "-d", top.resolve("conf/pcidrivers.conf").toString(),
                    "--state-dir", dir.toString()));
            if (demo) cmd.addAll(List.of("--scenario", "demo"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", notify);
            long t0 = System.nanoTime();
            Process p = pb.start();
            CountDownLatch scenarioDone = new CountDownLatch(1);
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        if (line.startsWith("had keeps running")) scenarioDone.countDown();
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "footprint-output");
            reader.setDaemon(true);
            reader.start();
            try {
                long readyMs = -1;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                while (readyMs < 0 && System.nanoTime() < deadline) {
                    String msg = systemd.receive(1000);
                    if (msg != null && msg.lines().anyMatch("READY=1"::equals)) {
                        readyMs = (System.nanoTime() - t0) / 1_000_000;
                    }
                    if (!p.isAlive()) break;
                }
                if (readyMs < 0) {
                    synchronized (output) {
                        throw new IllegalStateException("had never sent READY=1:\n" + output);
                    }
                }
                if (!demo) return new Run(readyMs, 0, 0, 0);
                if (!scenarioDone.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("the demo did not finish");
                long afterDemo = status(p.pid(), "VmRSS");
                Thread.sleep(STEADY_MS);
                return new Run(readyMs, afterDemo, status(p.pid(), "VmRSS"), status(p.pid(), "VmHWM"));
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
        }
    }

    /** A "kB" field of /proc/PID/status. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
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
