package had.report;

import had.audit.AuditFiles;
import had.audit.ChainCheck;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Availability of a fleet: a directory holding one folder of audit logs per chassis (the folder's
 * name is the chassis' name), as an operator collects them with rsync or a log shipper. Each
 * chassis' log is read once, its chain checked record by record ({@link ChainCheck}) while the
 * same records are counted ({@link Availability}); a chassis whose chain is broken, or whose log
 * cannot be read, is named with the reason and left out of every fleet figure: never counted
 * silently. Chassis are read in parallel, one per core, and each is reduced to a few numbers and
 * its worst outages as soon as it is read, so memory depends on the number of chassis, not on
 * the size of their logs.
 */
public final class Fleet {
    /** Outages kept: per chassis, and for the fleet's "worst first" list. */
    public static final int WORST = 20;

    /** One service of one chassis. */
    public record Service(String service, String kind, long upNanos, long degradedNanos, long downNanos, long unknownNanos,
                          int outages) {
        public long countedNanos() {
            return upNanos + degradedNanos + downNanos + unknownNanos;
        }

        public double availability() {
            return ratio(upNanos + degradedNanos, countedNanos());
        }
    }

    /** One chassis: its figures, or why it is not counted ({@code unverified} non-null). */
    public record Chassis(String name, String unverified, Instant from, Instant to, long records, List<Service> services,
                          List<Availability.SlotReport> slots, List<Availability.Outage> worst) {
        public boolean verified() {
            return unverified == null;
        }

        public Totals totals() {
            Totals t = new Totals();
            for (Service s : services) t.add(s);
            return t;
        }
    }

    /** Sums of services: availability over all of their counted time. */
    public static final class Totals {
        public long up, degraded, down, unknown;
        public int outages, services;

        void add(Service s) {
            up += s.upNanos();
            degraded += s.degradedNanos();
            down += s.downNanos();
            unknown += s.unknownNanos();
            outages += s.outages();
            services++;
        }

        public long counted() {
            return up + degraded + down + unknown;
        }

        public double availability() {
            return ratio(up + degraded, counted());
        }

        public double projectedMinutesPerYear() {
            return (1.0 - availability()) * Availability.MINUTES_PER_YEAR;
        }
    }

    /** A fleet's service: one service name and kind, over every verified chassis that has it. */
    public record FleetService(String service, String kind, Totals totals) {
        /** The verified chassis that have it: each adds it once. */
        public int chassis() {
            return totals.services;
        }
    }

    /** An outage and the chassis it happened on. */
    public record ChassisOutage(String chassis, Availability.Outage outage) {}

    public record Result(Path dir, Instant since, Instant until, List<Chassis> chassis, Totals fleet,
                         List<FleetService> services, List<ChassisOutage> worst) {
        public List<Chassis> unverified() {
            return chassis.stream().filter(c -> !c.verified()).toList();
        }

        public List<Chassis> verified() {
            return chassis.stream().filter(Chassis::verified).toList();
        }
    }

    private Fleet() {
    }

    static double ratio(long a, long all) {
        return all == 0 ? 1.0 : (double) a / all;
    }

    /** The chassis folders of {@code dir}, by name. */
    static List<Path> folders(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : ds) out.add(p);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Reads every chassis of {@code dir} with {@code threads} threads. */
    public static Result compute(Path dir, Instant since, Instant until, int threads) throws IOException {
        List<Path> folders = folders(dir);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "had-fleet");
            t.setDaemon(true);
            return t;
        });
        List<Chassis> chassis = new ArrayList<>();
        try {
            List<Future<Chassis>> futures = new ArrayList<>();
            for (Path f : folders) futures.add(pool.submit(() -> chassis(f, since, until)));
            for (Future<Chassis> f : futures) chassis.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().toString(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return summarise(dir, since, until, chassis);
    }

    static Result summarise(Path dir, Instant since, Instant until, List<Chassis> chassis) {
        Totals fleet = new Totals();
        Map<String, FleetService> byService = new LinkedHashMap<>();
        PriorityQueue<ChassisOutage> worst = new PriorityQueue<>(Comparator.comparingLong(o -> o.outage().durationNanos()));
        for (Chassis c : chassis) {
            if (!c.verified()) continue;
            for (Service s : c.services()) {
                fleet.add(s);
                byService.computeIfAbsent(s.service() + "\u0000" + s.kind(), k -> new FleetService(s.service(), s.kind(), new Totals()))
                        .totals().add(s);
            }
            for (Availability.Outage o : c.worst()) {
                worst.add(new ChassisOutage(c.name(), o));
                if (worst.size() > WORST) worst.poll();
            }
        }
        List<ChassisOutage> worstFirst = new ArrayList<>(worst);
        worstFirst.sort(Comparator.comparingLong((ChassisOutage o) -> o.outage().durationNanos()).reversed());
        List<Chassis> sorted = new ArrayList<>(chassis);
        // Unverified first (they need a look), then the least available.
        sorted.sort(Comparator.comparing(Chassis::verified)
                .thenComparingDouble(c -> c.verified() ? c.totals().availability() : 0)
                .thenComparing(Chassis::name));
        List<FleetService> services = new ArrayList<>(byService.values());
        services.sort(Comparator.comparingDouble((FleetService s) -> s.totals().availability()).thenComparing(FleetService::service)
                .thenComparing(FleetService::kind));
        return new Result(dir, since, until, List.copyOf(sorted), fleet, List.copyOf(services), List.copyOf(worstFirst));
    }

    /** Reads the log in {@code folder}: its chain checked, its records counted, in one pass. */
    static Chassis chassis(Path folder, Instant since, Instant until) {
        String name = folder.getFileName().toString();
        Path live = folder.resolve("audit.log");
        AuditFiles.LogSet set = AuditFiles.discover(live);
        if (set.files().isEmpty() || set.files().get(0) == null || !Files.isRegularFile(set.files().get(0))) {
            return unverified(name, "no audit log: " + live + " is missing");
        }
        ChainCheck check = new ChainCheck(null);
        Availability av = new Availability(since, until, null);
        try {
            check.logSet(set);
            List<Path> files = set.files();
            for (int i = 0; i < files.size() && check.broken() == null; i++) {
                check.file(files.get(i), i == files.size() - 1, ReportCommand.READER, av::accept);
            }
        } catch (IOException e) {
            return unverified(name, "cannot read its log: " + e.getMessage());
        } catch (RuntimeException e) {
            return unverified(name, "a record it cannot use: " + e);
        }
        if (check.broken() != null) return unverified(name, "chain broken at " + check.broken());
        if (check.total() == 0) return unverified(name, "no records in " + live);
        Availability.Result r = av.finish();
        List<Service> services = new ArrayList<>();
        List<Availability.Outage> outages = new ArrayList<>();
        for (Availability.ServiceReport s : r.services()) {
            services.add(new Service(s.service(), s.kind(), s.upNanos(), s.degradedNanos(), s.downNanos(), s.unknownNanos(),
                    s.outageCount()));
            outages.addAll(s.outages());
        }
        outages.sort(Comparator.comparingLong(Availability.Outage::durationNanos).reversed());
        return new Chassis(name, null, r.from(), r.to(), r.records(), List.copyOf(services), r.slots(),
                List.copyOf(outages.subList(0, Math.min(WORST, outages.size()))));
    }

    private static Chassis unverified(String name, String why) {
        return new Chassis(name, why, null, null, 0, List.of(), List.of(), List.of());
    }
}
