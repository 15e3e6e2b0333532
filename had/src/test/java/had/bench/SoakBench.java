package had.bench;

import had.backplane.PciId;
import had.backplane.bridge.SimChassisControl;
import had.control.ControlClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Steady operation for a long while: {@code bin/had --simulate} (the shipped JVM options and
 * configuration) drives slot 12 through insert / planned extraction / insert / yank cycles on the
 * simulated chassis, with the audit log rotating (a small --audit-max-bytes, a few files kept),
 * while slots 2 and 16 stay in service. The simulated kernel unregisters a removed card's interfaces
 * in 20 ms instead of 300 (had.sim.unregister-ms): the same work in every cycle, less waiting.
 * Every {@link #SAMPLE_EVERY} cycles it reads had's resident memory, threads and open files; at
 * the middle and the end it takes a class histogram of the live heap (jcmd GC.class_histogram,
 * which collects first) so that growth has a name.
 *
 * <p>Target: RSS at most 64 MiB throughout, flat from the
 * middle on (end within 2 MiB of the middle), fds and threads flat, every cycle ending with the
 * slot where it should be.
 *
 * <p>Run: {@code make soak} (SOAK_CYCLES=N for another count; 10,000 by default). SOAK_NMT=1 turns
 * on the JVM's native memory tracking and prints what each of its parts (heap, code, metaspace,
 * threads, malloc...) committed at the middle and at the end: a diagnosis, not the figure (the
 * tracking costs memory of its own).
 */
final class SoakBench {
    static final int SAMPLE_EVERY = 500;
    static final long BUDGET_KIB = 64 * 1024;
    static final long FLAT_KIB = 2 * 1024;
    private static final PciId CARD = new PciId(0x8086, 0x10d3);

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(System.getenv().getOrDefault("SOAK_CYCLES", "10000"));
        System.out.print(report(cycles));
    }

    record Sample(int cycle, long seconds, long rssKib, long hwmKib, long threads, long fds, long auditFiles) {}

    static String report(int cycles) throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path tmp = Files.createTempDirectory("had-soak");
        List<Sample> samples = new ArrayList<>();
        StringBuilder r = new StringBuilder();
        String histoMiddle = null, histoEnd = null;
        int planned = 0, yanked = 0;
        boolean nmt = "1".equals(System.getenv("SOAK_NMT"));
        String nmtMiddle = null, nmtEnd = null;
        try (HadProcess had = HadProcess.start(top, tmp.resolve("run"), List.of(
                "--quiesce", "20", "--audit-max-bytes", "262144", "--audit-keep", "4"),
                "-Dhad.sim.unregister-ms=20" + (nmt ? " -XX:NativeMemoryTracking=summary" : ""))) {
            Path sim = had.dir.resolve("sim.sock");
            long t0 = System.nanoTime();
            try (SimChassisControl chassis = SimChassisControl.connect(sim, Duration.ofSeconds(10));
                 ControlClient ctl = ControlClient.connect(had.socket(), 30_000)) {
                chassis.insert(2, CARD, 2);
                chassis.insert(16, CARD, 1);
                await(ctl, 2, "ACTIVE");
                await(ctl, 16, "ACTIVE");
                samples.add(sample(had, 0, t0));
                for (int c = 1; c <= cycles; c++) {
                    chassis.insert(12, CARD, 2);
                    await(ctl, 12, "ACTIVE");
                    if (c % 2 == 1) {
                        chassis.handle(12, true);
                        await(ctl, 12, "SAFE_TO_REMOVE");
                        chassis.remove(12);
                        planned++;
                    } else {
                        chassis.remove(12);
                        yanked++;
                    }
                    await(ctl, 12, "EMPTY");
                    if (c % SAMPLE_EVERY == 0 || c == cycles) {
                        samples.add(sample(had, c, t0));
                        System.err.println(line(samples.get(samples.size() - 1)).stripTrailing());
                    }
                    if (c == cycles / 2) {
                        histoMiddle = jcmd(had, "GC.class_histogram");
                        if (nmt) nmtMiddle = jcmd(had, "VM.native_memory", "summary");
                    }
                }
                histoEnd = jcmd(had, "GC.class_histogram");
                if (nmt) nmtEnd = jcmd(had, "VM.native_memory", "summary");
                for (int s : new int[] {2, 16}) await(ctl, s, "ACTIVE");
            }
            r.append("Soak: bin/had --simulate --quiesce 20 --audit-max-bytes 262144 --audit-keep 4 (simulated kernel unregistering in 20 ms), ")
                    .append(cycles).append(" cycles of slot 12 (").append(planned).append(" planned extractions, ")
                    .append(yanked).append(" yanks), slots 2 and 16 in service throughout\n");
            r.append("  cycle   time   RSS MiB  peak MiB  threads  fds  audit files\n");
            for (Sample s : samples) r.append(line(s));
            Sample first = samples.get(0), mid = samples.get(samples.size() / 2), last = samples.get(samples.size() - 1);
            long max = samples.stream().mapToLong(Sample::rssKib).max().orElse(0);
            double rate = cycles / Math.max(1.0, last.seconds());
            r.append(String.format(Locale.ROOT, "  %.1f cycles/s; RSS start %.1f, middle %.1f (cycle %d), end %.1f MiB; highest %.1f MiB%n",
                    rate, first.rssKib() / 1024.0, mid.rssKib() / 1024.0, mid.cycle(), last.rssKib() / 1024.0, max / 1024.0));
            r.append(String.format(Locale.ROOT, "  target RSS <= 64 MiB throughout: %s%n", max <= BUDGET_KIB ? "met" : "NOT met"));
            r.append(String.format(Locale.ROOT, "  target flat from the middle on (end - middle = %+.1f MiB, within 2): %s%n",
                    (last.rssKib() - mid.rssKib()) / 1024.0, last.rssKib() - mid.rssKib() <= FLAT_KIB ? "met" : "NOT met"));
            r.append(String.format(Locale.ROOT, "  threads %d -> %d, fds %d -> %d: %s%n", first.threads(), last.threads(),
                    first.fds(), last.fds(), last.threads() <= first.threads() + 2 && last.fds() <= first.fds() + 2 ? "flat" : "GROWING"));
            if (histoMiddle != null && histoEnd != null) r.append(growth(histoMiddle, histoEnd));
            if (nmtMiddle != null && nmtEnd != null) r.append(nativeGrowth(nmtMiddle, nmtEnd));
            return r.toString();
        } finally {
            HadProcess.delete(tmp);
        }
    }

    /** Polls had's slot table until slot {@code n} is in {@code state}; a cycle that gets stuck ends the soak. */
    private static void await(ControlClient ctl, int n, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> slots = (List<Map<String, Object>>) ctl.call("slots", Map.of()).get("slots");
            for (Map<String, Object> s : slots) {
                if (((Number) s.get("slot")).intValue() == n) last = (String) s.get("state");
            }
            if (state.equals(last)) return;
            Thread.sleep(5);
        }
        throw new IllegalStateException("slot " + n + " stuck in " + last + ", not " + state);
    }

    private static Sample sample(HadProcess had, int cycle, long t0) throws IOException {
        long files;
        try (Stream<Path> s = Files.list(had.dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("audit.log")
                    && !p.getFileName().toString().endsWith(".lock")).count();
        }
        return new Sample(cycle, (System.nanoTime() - t0) / 1_000_000_000L, had.status("VmRSS"), had.status("VmHWM"),
                had.status("Threads"), had.fds(), files);
    }

    private static String line(Sample s) {
        return String.format(Locale.ROOT, "  %5d  %4d s  %7.1f  %8.1f  %7d  %3d  %d%n", s.cycle(), s.seconds(),
                s.rssKib() / 1024.0, s.hwmKib() / 1024.0, s.threads(), s.fds(), s.auditFiles());
    }

    /** jcmd PID COMMAND... (GC.class_histogram: a full collection, then the live objects by class). */
    private static String jcmd(HadProcess had, String... command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(had.process.pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** The classes whose live bytes grew most from the middle to the end, and the live heap's totals. */
    static String growth(String middle, String end) {
        Map<String, long[]> a = parse(middle), b = parse(end);
        List<Map.Entry<String, Long>> grew = new ArrayList<>();
        for (Map.Entry<String, long[]> e : b.entrySet()) {
            long before = a.getOrDefault(e.getKey(), new long[2])[1];
            if (e.getValue()[1] > before) grew.add(Map.entry(e.getKey(), e.getValue()[1] - before));
        }
        grew.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        long ta = a.values().stream().mapToLong(v -> v[1]).sum(), tb = b.values().stream().mapToLong(v -> v[1]).sum();
        StringBuilder r = new StringBuilder(String.format(Locale.ROOT,
                "  live heap (after a full GC): middle %.1f MiB, end %.1f MiB; grown most:%n", ta / 1048576.0, tb / 1048576.0));
        for (int i = 0; i < Math.min(5, grew.size()); i++) {
            Map.Entry<String, Long> g = grew.get(i);
            r.append(String.format(Locale.ROOT, "    %+9d bytes  %s (%d -> %d instances)%n", g.getValue(), g.getKey(),
                    a.getOrDefault(g.getKey(), new long[2])[0], b.get(g.getKey())[0]));
        }
        if (grew.isEmpty()) r.append("    nothing\n");
        return r.toString();
    }

    /** NMT's "-  Java Heap (reserved=32768KB, committed=20480KB)" lines: committed KiB by part, middle -> end. */
    static String nativeGrowth(String middle, String end) {
        Map<String, Long> a = committed(middle), b = committed(end);
        StringBuilder r = new StringBuilder("  native memory committed (NMT), middle -> end:\n");
        for (Map.Entry<String, Long> e : b.entrySet()) {
            long before = a.getOrDefault(e.getKey(), 0L);
            r.append(String.format(Locale.ROOT, "    %-28s %8d -> %8d KiB (%+d)%n", e.getKey(), before, e.getValue(), e.getValue() - before));
        }
        return r.toString();
    }

    private static Map<String, Long> committed(String nmt) {
        Map<String, Long> m = new LinkedHashMap<>();
        java.util.regex.Matcher x = java.util.regex.Pattern
                .compile("(?m)^(?:-\\s+(.+?) \\(|(Total): )reserved=\\d+KB, committed=(\\d+)KB").matcher(nmt);
        while (x.find()) m.put(x.group(1) != null ? x.group(1).trim() : x.group(2), Long.parseLong(x.group(3)));
        return m;
    }

    /** " 1:   1234   56789  java.lang.String (java.base@17)" -> class -> {instances, bytes}. */
    private static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            try {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } catch (NumberFormatException e) {
                // the header or the total line
            }
        }
        return m;
    }
}
