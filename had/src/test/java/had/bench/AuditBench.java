package had.bench;

import had.audit.AuditChain;
import had.audit.AuditEvent;
import had.audit.AuditFiles;
import had.audit.AuditLog;
import had.audit.AuditVerify;
import had.report.Availability;
import had.report.HtmlReport;
import had.report.ReportCommand;
import had.time.Clock;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A year of one busy chassis: a million records (heartbeats every 60 s, a card swapped every
 * half hour or so, link flaps, a restart of had every month, a few crashes), written as had
 * writes them (16 MiB files linked by audit.rotated records), then reported on and verified.
 * Prints the time and the peak heap of the report, and the append rate of the real log (each
 * record forced to disk).
 */
public final class AuditBench {
    static final int RECORDS = 1_000_000;
    /**
     * The most heap a report of the year may use at its peak. The report keeps a small state per
     * service and slot, so its peak is young-generation garbage plus that state (about 24 MiB);
     * 16 bytes kept per record would add 15 MiB and break it.
     */
    static final long PEAK_HEAP_LIMIT = 32L << 20;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private AuditBench() {}

    public static void main(String[] args) throws Exception {
        System.out.print(measure());
    }

    /**
     * Runs {@link #measure()} in a JVM of its own, set as hadctl runs (64 MiB heap, serial GC,
     * the full JIT: a report is a batch job, not the daemon), so the heap limit is the proof that
     * memory does not grow with the log.
     */
    static String report() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), AuditBench.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return "audit (in a JVM of its own: java -Xmx64m -XX:+UseSerialGC)\n" + out
                + (rc == 0 ? "" : "audit benchmark failed with exit status " + rc + "\n");
    }

    static String measure() throws Exception {
        StringBuilder sb = new StringBuilder();
        Path dir = BenchDisk.newDir("audit-");
        try {
            Path live = dir.resolve("audit.log");
            long t0 = System.nanoTime();
            long bytes = generate(live, RECORDS);
            long gen = System.nanoTime() - t0;
            List<Path> files = AuditFiles.discover(live).files();
            sb.append(String.format(Locale.ROOT, "audit: a year of a busy chassis, %d records in %d files (%.0f MiB), written in %.1f s%n",
                    RECORDS, files.size(), bytes / 1048576.0, gen / 1e9));
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            System.gc();
            resetPeaks();
            long r0 = System.nanoTime();
            Availability.Result r = ReportCommand.compute(files, null, null, ReportCommand.TIMELINE_BUCKETS, quiet);
            String html = HtmlReport.render(r, files, Instant.now());
            long rep = System.nanoTime() - r0;
            long peak = heapPeak();
            long max = Runtime.getRuntime().maxMemory();
            sb.append(String.format(Locale.ROOT, "report (with the HTML timeline): %.2f s for %d records (%.0f records/s),"
                            + " %d runs, %s availability %.5f %%, page %d KiB%n",
                    rep / 1e9, r.records(), r.records() / (rep / 1e9), r.runs(), r.services().get(0).service(),
                    r.services().get(0).availability() * 100, html.length() / 1024));
            sb.append(String.format(Locale.ROOT, "report peak heap: %.1f MiB (limit %.0f MiB; %.0f MiB usable with -Xmx64m)%n",
                    peak / 1048576.0, PEAK_HEAP_LIMIT / 1048576.0, max / 1048576.0));
            long v0 = System.nanoTime();
            int rc = new AuditVerify().run(List.of(live), quiet, quiet);
            sb.append(String.format(Locale.ROOT, "audit verify: %.2f s for %d records (%s)%n", (System.nanoTime() - v0) / 1e9,
                    RECORDS, rc == 0 ? "intact" : "BROKEN?"));
            sb.append(append(dir.resolve("append").resolve("audit.log"), 2000));
            List<String> missed = new java.util.ArrayList<>();
            if (rep >= 10_000_000_000L) missed.add(String.format(Locale.ROOT, "%.1f s", rep / 1e9));
            if (peak >= PEAK_HEAP_LIMIT) missed.add(String.format(Locale.ROOT, "peak heap %.1f MiB", peak / 1048576.0));
            if (rc != 0) missed.add("the log did not verify");
            sb.append(String.format(Locale.ROOT, "goal: a year reported in under 10 s with a peak heap under %.0f MiB: %s%n",
                    PEAK_HEAP_LIMIT / 1048576.0, missed.isEmpty() ? "met" : "NOT met (" + String.join(", ", missed) + ")"));
        } finally {
            BenchDisk.delete(dir);
        }
        return sb.toString();
    }

    /** Appends through the real log, one record a commit: each written and forced to disk before the next. */
    static String append(Path file, int n) {
        try (AuditLog log = new AuditLog(file, Clock.SYSTEM)) {
            AuditEvent e = AuditEvent.of("service.state").with("service", "bond0").with("kind", "bond").with("up", true)
                    .with("working", 4).with("slaves", 4).with("expected", 4).with("active", "eth1").build();
            for (int i = 0; i < 100; i++) {
                log.record(e);
                log.commit();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                log.record(e);
                log.commit();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return String.format(Locale.ROOT, "append with fsync: %.0f records/s (%.2f ms a record) on %s%n", n / s,
                    s * 1000 / n, BenchDisk.describe(file.getParent()));
        }
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Writes {@code n} chained records as had would, rotating at 16 MiB; returns the bytes written. */
    static long generate(Path live, int n) throws IOException {
        Random rnd = new Random(42);
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        long yearNanos = 365L * 86_400 * 1_000_000_000L;
        long step = yearNanos / n;
        long maxBytes = AuditLog.Settings.DEFAULT.maxBytes();
        Gen g = new Gen(live, maxBytes);
        String run = UUID.randomUUID().toString();
        long monoBase = 0, runStart = 0;
        int nextRestart = n / 12;
        boolean bondUp = true;
        int working = 4;
        long t = 0;
        while (g.seq < n) {
            t += step;
            long mono = monoBase + (t - runStart);
            Map<String, Object> f = new LinkedHashMap<>();
            String type;
            if (g.seq >= nextRestart) {
                // A monthly restart (one in four a crash: no daemon.stop), then a few minutes away.
                if (rnd.nextInt(4) != 0) g.write(rec(start, t, mono, run, "daemon.stop", f));
                t += 120_000_000_000L + rnd.nextInt(300) * 1_000_000_000L;
                run = UUID.randomUUID().toString();
                monoBase = rnd.nextInt(1_000_000) * 1_000_000L;
                runStart = t;
                nextRestart += n / 12;
                f = new LinkedHashMap<>();
                f.put("mode", "kernel");
                f.put("pid", 1000 + rnd.nextInt(30000));
                g.write(rec(start, t, monoBase, run, "daemon.start", f));
                continue;
            }
            int k = rnd.nextInt(100);
            if (k < 52) {
                type = "daemon.heartbeat";
                f.put("interval_ms", 60_000);
            } else if (k < 70) {
                type = "port.link";
                f.put("slot", 2 + rnd.nextInt(4) * 5);
                f.put("port", rnd.nextInt(2));
                f.put("ifname", "eth" + rnd.nextInt(8));
                f.put("carrier", rnd.nextBoolean());
            } else if (k < 85) {
                type = "slot.state";
                int slot = 2 + rnd.nextInt(4) * 5;
                String[] st = {"EMPTY", "INSERTING", "ACTIVE", "EXTRACTING", "SAFE_TO_REMOVE"};
                int a = rnd.nextInt(st.length);
                f.put("slot", slot);
                f.put("from", st[a]);
                f.put("to", st[(a + 1) % st.length]);
            } else if (k < 88) {
                type = rnd.nextBoolean() ? "card.inserted" : "card.removed";
                f.put("slot", 2 + rnd.nextInt(4) * 5);
                if (type.equals("card.removed")) {
                    f.put("improper", rnd.nextInt(10) == 0);
                    f.put("state", "SAFE_TO_REMOVE");
                } else {
                    f.put("functions", "0000:02:00.0 8086:10d3, 0000:02:00.1 8086:10d3");
                }
            } else if (k < 90) {
                type = "slot.in-service";
                f.put("slot", 2 + rnd.nextInt(4) * 5);
                f.put("ms", 30 + rnd.nextInt(50));
            } else {
                type = "service.state";
                boolean bond = rnd.nextInt(3) != 0;
                if (bond) {
                    working = Math.max(0, Math.min(4, working + (rnd.nextBoolean() ? 1 : -1)));
                    bondUp = working > 0 && rnd.nextInt(50) != 0;
                    f.put("service", "bond0");
                    f.put("kind", "bond");
                    f.put("up", bondUp);
                    f.put("working", working);
                    f.put("slaves", working);
                    f.put("expected", 4);
                    f.put("active", "eth1");
                } else {
                    f.put("service", "10.0.2.1");
                    f.put("kind", "address");
                    f.put("up", rnd.nextInt(200) != 0);
                    f.put("working", 1);
                    f.put("slaves", 1);
                    f.put("expected", 1);
                }
            }
            g.write(rec(start, t, mono, run, type, f));
        }
        g.close();
        return g.total;
    }

    static Map<String, Object> rec(Instant start, long t, long mono, String run, String type, Map<String, Object> fields) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("v", AuditLog.SCHEMA);
        r.put("seq", 0L);
        r.put("time", start.plusNanos(t).toString());
        r.put("mono", mono);
        r.put("run", run);
        r.put("type", type);
        r.putAll(fields);
        return r;
    }

    /** The chain and the rotation, as AuditLog does them, without forcing every line to disk. */
    static final class Gen {
        final Path live;
        final long maxBytes;
        BufferedWriter w;
        long size, total, seq;
        String prev = AuditChain.GENESIS;

        Gen(Path live, long maxBytes) throws IOException {
            this.live = live;
            this.maxBytes = maxBytes;
            w = Files.newBufferedWriter(live, StandardCharsets.UTF_8);
        }

        void write(Map<String, Object> r) throws IOException {
            String line = seal(r);
            if (size + line.length() > maxBytes) {
                w.close();
                Instant at = Instant.parse((String) r.get("time"));
                Path rotated = live.resolveSibling(live.getFileName() + "." + STAMP.format(at));
                Files.move(live, rotated);
                w = Files.newBufferedWriter(live, StandardCharsets.UTF_8);
                size = 0;
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("previous", rotated.getFileName().toString());
                f.put("previous_last_seq", seq);
                f.put("previous_last_hash", prev);
                Map<String, Object> rot = rec(Instant.parse((String) r.get("time")), 0, (Long) r.get("mono"),
                        (String) r.get("run"), "audit.rotated", f);
                put(seal(rot));
                line = seal(r);
            }
            put(line);
        }

        private String seal(Map<String, Object> r) {
            Map<String, Object> c = new LinkedHashMap<>(r);
            c.put("seq", seq + 1);
            c.remove("prev");
            c.put("prev", prev);
            AuditChain.Sealed s = AuditChain.seal(c);
            pendingHash = s.hash();
            return s.line();
        }

        private String pendingHash;

        private void put(String line) throws IOException {
            w.write(line);
            size += line.length();
            total += line.length();
            seq++;
            prev = pendingHash;
        }

        void close() throws IOException {
            w.close();
        }
    }
}
