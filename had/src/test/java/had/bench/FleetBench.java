package had.bench;

import had.audit.AuditEvent;
import had.audit.AuditLog;
import had.audit.LogScript;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code hadctl report --fleet} over 1,000 chassis x 30 days of audit logs, written by had's own
 * AuditLog (so the records, their chain and the rotated files are what a chassis writes): a
 * heartbeat a minute, a restart of had every week, a bond outage and a card swap now and then.
 * The logs are generated once into build/bench-fleet and kept. The report runs in a child JVM
 * with hadctl's own options (read from bin/hadctl), timed from start to exit; its peak heap is
 * the sum of the heap pools' peaks, printed by the child.
 */
final class FleetBench {
    static final int CHASSIS = Integer.getInteger("had.bench.fleet.chassis", 1000);
    static final int DAYS = Integer.getInteger("had.bench.fleet.days", 30);
    static final Instant ORIGIN = Instant.parse("2026-10-01T00:00:00Z");
    static final double TARGET_S = 60;
    static final long TARGET_HEAP = 256L << 20;

    private FleetBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("measure")) {
            measure(args);
            return;
        }
        System.out.print(report());
    }

    static String report() throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path dir = top.resolve("build/bench-fleet/" + CHASSIS + "x" + DAYS + "d");
        long genMs = generate(dir);
        long bytes = 0, files = 0;
        try (var s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p) && p.getFileName().toString().startsWith("audit.log")) {
                    bytes += Files.size(p);
                    files++;
                }
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(hadctlJvmOptions(top));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FleetBench.class.getName());
        cmd.add("measure");
        cmd.add(dir.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES)) throw new IllegalStateException("the fleet report did not end");
        double wall = (System.nanoTime() - t0) / 1e9;
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        if (p.exitValue() != 0 || !last.startsWith("peak-heap ")) throw new IllegalStateException("the fleet report failed:\n" + out);
        String[] f = last.split(" ");
        long peak = Long.parseLong(f[1]);
        long records = Long.parseLong(f[2]);
        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "Fleet report: hadctl report --fleet over %d chassis x %d days (%d files, %.1f GiB,"
                + " %d records; generated in %s)%n", CHASSIS, DAYS, files, bytes / (double) (1L << 30), records,
                genMs < 0 ? "an earlier run, kept in " + top.relativize(dir) : (genMs / 1000) + " s"));
        r.append(String.format(Locale.ROOT, "  JVM options (bin/hadctl's): %s%n", String.join(" ", hadctlJvmOptions(top))));
        r.append(String.format(Locale.ROOT, "  wall time %.1f s (target <= %.0f s: %s), %.0f MB/s; peak heap %.1f MiB (target <= %d MiB: %s)%n",
                wall, TARGET_S, wall <= TARGET_S ? "met" : "NOT met", bytes / 1e6 / wall, peak / (double) (1L << 20),
                TARGET_HEAP >> 20, peak <= TARGET_HEAP ? "met" : "NOT met"));
        return r.toString();
    }

    /** The JVM options bin/hadctl runs hadctl with: the words between "java" and "-cp" on its exec line. */
    static List<String> hadctlJvmOptions(Path top) throws IOException {
        for (String line : Files.readAllLines(top.resolve("bin/hadctl"))) {
            String l = line.trim();
            if (!l.startsWith("exec java ")) continue;
            List<String> out = new ArrayList<>();
            for (String w : l.substring("exec java ".length()).split("\\s+")) {
                if (w.equals("-cp")) return out;
                out.add(w);
            }
        }
        throw new IllegalStateException("no 'exec java ... -cp' line in bin/hadctl");
    }

    /** In the child: the report, as hadctl runs it, then the heap's peak and the records read. */
    static void measure(String[] args) throws Exception {
        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        int status = new had.report.ReportCommand().run(new String[] {"--fleet", args[1], "--format", "json"},
                new java.io.PrintStream(json, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        if (status != 0) {
            System.out.println("status " + status);
            System.exit(1);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        long records = 0;
        var report = had.json.Json.parseObject(json.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
        for (Object c : (List<?>) report.get("chassis")) records += ((Number) ((java.util.Map<?, ?>) c).get("records")).longValue();
        System.out.println("peak-heap " + peak + " " + records);
    }

    // ---- the logs -----------------------------------------------------------------------

    /** Writes the fleet's logs unless an earlier run did; returns the time taken, or -1 when kept. */
    static long generate(Path dir) throws Exception {
        Path done = dir.resolve(".complete");
        if (Files.exists(done)) return -1;
        if (Files.exists(dir)) HadProcess.delete(dir);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int c = 0; c < CHASSIS; c++) {
                int n = c;
                jobs.add(pool.submit(() -> {
                    chassis(dir.resolve(String.format(Locale.ROOT, "chassis-%04d", n)), n);
                    return null;
                }));
            }
            for (Future<?> j : jobs) j.get();
        } finally {
            pool.shutdownNow();
        }
        Files.writeString(done, "");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** One chassis' 30 days: had restarted weekly, heartbeats every minute, an outage and a swap now and then. */
    static void chassis(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        LogScript.ScriptClock clock = new LogScript.ScriptClock();
        long day = 86_400_000_000_000L;
        long minute = 60_000_000_000L;
        long end = DAYS * day;
        java.util.Random rnd = new java.util.Random(n);
        AuditLog log = null;
        long runStart = 0;
        for (long t = 0; t < end; t += minute) {
            if (log == null || t - runStart >= 7 * day) {
                if (log != null) {
                    log.record(AuditEvent.of("daemon.stop").build());
                    log.close();
                }
                runStart = t;
                clock.mono = 1_000_000_000_000L + rnd.nextInt(1000) * 1_000_000L;
                clock.wall = ORIGIN.plusNanos(t);
                log = new AuditLog(dir.resolve("audit.log"), clock, new AuditLog.Settings(4L << 20, 1000, minute / 1_000_000));
                log.record(AuditEvent.of("daemon.start").with("mode", "kernel").with("pid", 1000 + n).build());
                for (int slot : new int[] {2, 12, 16}) {
                    log.record(AuditEvent.of("card.inserted").with("slot", slot).with("functions", "0000:02:00.0 8086:10d3").build());
                    log.record(AuditEvent.of("slot.state").with("slot", slot).with("from", "EMPTY").with("to", "ACTIVE").with("hpi", "ACTIVE").build());
                }
                log.record(AuditEvent.of("backplane.resync").with("occupied", 3).with("first", true).build());
                log.record(service("bond0", true, clock.mono));
                log.record(AuditEvent.of("service.state").with("service", "10.0.2.1").with("kind", "address").with("up", true)
                        .with("working", 1).with("slaves", 1).with("expected", 1).with("active", "eth4").with("since", clock.mono).build());
            }
            clock.mono += minute;
            clock.wall = ORIGIN.plusNanos(t + minute);
            log.record(AuditEvent.of("daemon.heartbeat").with("interval_ms", 60_000).build());
            if (rnd.nextInt(1440 * 3) == 0) {
                // A bond outage of a few seconds, and its repair.
                log.record(service("bond0", false, clock.mono));
                clock.mono += (1 + rnd.nextInt(5)) * 1_000_000_000L;
                log.record(service("bond0", true, clock.mono));
            }
            if (rnd.nextInt(1440 * 10) == 0) {
                log.record(AuditEvent.of("extraction.requested").with("slot", 12).with("source", "handle").with("forced", false)
                        .with("outcome", "accepted").build());
                log.record(AuditEvent.of("slot.state").with("slot", 12).with("from", "ACTIVE").with("to", "SAFE_TO_REMOVE").with("hpi", "INACTIVE").build());
                log.record(AuditEvent.of("card.removed").with("slot", 12).with("improper", false).with("state", "SAFE_TO_REMOVE").build());
                log.record(AuditEvent.of("card.inserted").with("slot", 12).with("functions", "0000:0c:00.0 8086:10d3").build());
                log.record(AuditEvent.of("slot.state").with("slot", 12).with("from", "EMPTY").with("to", "ACTIVE").with("hpi", "ACTIVE").build());
                log.record(AuditEvent.of("slot.in-service").with("slot", 12).with("ms", 900).build());
            }
            if (t % (1000 * minute) == 0) log.commit();
        }
        log.record(AuditEvent.of("daemon.stop").build());
        log.close();
    }

    private static AuditEvent service(String bond, boolean up, long since) {
        return AuditEvent.of("service.state").with("service", bond).with("kind", "bond").with("up", up).with("working", up ? 4 : 0)
                .with("slaves", 4).with("expected", 4).with("active", up ? "eth1" : null).with("since", since)
                .with("cause", up ? null : "active slave eth1 (slot 2 port 0) lost its link").build();
    }
}
