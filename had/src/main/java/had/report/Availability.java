package had.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability computed from audit records, fed one at a time in log order: the same code
 * serves the live summary of a running had and reports over files. Time is measured on the
 * records' monotonic clock within one daemon run; a service counts from the first moment it
 * was seen working (before that it was not yet in service, not down).
 */
public final class Availability {
    /** Minutes in an average year (365.25 days), the base of "five nines = 5.26 min/year". */
    public static final double MINUTES_PER_YEAR = 525_960;

    public record Outage(String service, Instant start, long durationNanos, String cause) {}

    public record ServiceReport(String service, String kind, long observedNanos, long downNanos, long degradedNanos,
                                List<Outage> outages) {
        public double availability() {
            return observedNanos == 0 ? 1.0 : 1.0 - (double) downNanos / observedNanos;
        }

        /** Downtime per year at this run's rate, in minutes. */
        public double projectedMinutesPerYear() {
            return (1.0 - availability()) * MINUTES_PER_YEAR;
        }
    }

    public record SlotReport(int slot, int insertions, int plannedExtractions, int surpriseRemovals,
                             long repairs, long repairNanos) {
        public double mttrSeconds() {
            return repairs == 0 ? Double.NaN : repairNanos / 1e9 / repairs;
        }
    }

    private static final class Service {
        final String name;
        String kind;
        long firstUp = -1;
        long since;
        boolean up;
        boolean degraded;
        long down;
        long degradedTime;
        long outageStart;
        Instant outageWall;
        String outageCause;
        final List<Outage> outages = new ArrayList<>();

        Service(String name) {
            this.name = name;
        }
    }

    private static final class SlotStats {
        int insertions, planned, surprise;
        long leftAt = -1, repairs, repairNanos;
    }

    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<Integer, SlotStats> slots = new TreeMap<>();
    private String lastCause;
    private long lastMono;
    private Instant lastWall = Instant.EPOCH;

    /** One record of the audit log, as stored (the map a JSON line parses to). */
    public void accept(Map<String, Object> rec) {
        String type = String.valueOf(rec.get("type"));
        long mono = ((Number) rec.get("mono")).longValue();
        Instant wall = Instant.parse(String.valueOf(rec.get("time")));
        lastMono = mono;
        lastWall = wall;
        switch (type) {
            case "service.state" -> serviceState(rec, mono, wall);
            case "card.inserted" -> stats(rec).insertions++;
            case "card.removed" -> {
                SlotStats s = stats(rec);
                if (Boolean.TRUE.equals(rec.get("improper"))) {
                    s.surprise++;
                    if (s.leftAt < 0) s.leftAt = mono;
                    lastCause = "surprise removal of the card in slot " + rec.get("slot");
                }
            }
            case "extraction.requested" -> {
                if ("accepted".equals(rec.get("outcome"))) {
                    SlotStats s = stats(rec);
                    s.planned++;
                    s.leftAt = mono;
                    lastCause = "extraction of slot " + rec.get("slot");
                }
            }
            case "slot.in-service" -> {
                SlotStats s = stats(rec);
                if (s.leftAt >= 0) {
                    s.repairs++;
                    s.repairNanos += mono - s.leftAt;
                    s.leftAt = -1;
                }
            }
            case "port.link" -> {
                if (Boolean.FALSE.equals(rec.get("carrier"))) {
                    lastCause = "link down on slot " + rec.get("slot") + " port " + rec.get("port");
                }
            }
            case "port.lost" -> lastCause = "port " + rec.get("ifname") + " of slot " + rec.get("slot") + " lost";
            default -> { }
        }
    }

    private SlotStats stats(Map<String, Object> rec) {
        return slots.computeIfAbsent(((Number) rec.get("slot")).intValue(), k -> new SlotStats());
    }

    private void serviceState(Map<String, Object> rec, long mono, Instant wall) {
        Service s = services.computeIfAbsent(String.valueOf(rec.get("service")), Service::new);
        s.kind = String.valueOf(rec.get("kind"));
        boolean up = Boolean.TRUE.equals(rec.get("up"));
        int working = ((Number) rec.get("working")).intValue();
        int expected = rec.get("expected") instanceof Number n ? n.intValue() : working;
        if (s.firstUp < 0) {
            if (!up) return;
            s.firstUp = mono;
            s.since = mono;
            s.up = true;
            s.degraded = working < expected;
            return;
        }
        account(s, mono);
        if (s.up && !up) {
            s.outageStart = mono;
            s.outageWall = wall;
            s.outageCause = lastCause == null ? "unknown" : lastCause;
        } else if (!s.up && up) {
            s.outages.add(new Outage(s.name, s.outageWall, mono - s.outageStart, s.outageCause));
        }
        s.up = up;
        s.degraded = up && working < expected;
    }

    private static void account(Service s, long mono) {
        long dt = mono - s.since;
        if (!s.up) s.down += dt;
        else if (s.degraded) s.degradedTime += dt;
        s.since = mono;
    }

    /** The figures as of {@code endMono} (usually the last record's time, or now). */
    public List<ServiceReport> services(long endMono) {
        List<ServiceReport> out = new ArrayList<>();
        for (Service s : services.values()) {
            if (s.firstUp < 0) {
                out.add(new ServiceReport(s.name, s.kind, 0, 0, 0, List.of()));
                continue;
            }
            long down = s.down + (s.up ? 0 : endMono - s.since);
            long degraded = s.degradedTime + (s.up && s.degraded ? endMono - s.since : 0);
            List<Outage> outages = new ArrayList<>(s.outages);
            if (!s.up) outages.add(new Outage(s.name, s.outageWall, endMono - s.outageStart, s.outageCause + " (ongoing)"));
            out.add(new ServiceReport(s.name, s.kind, endMono - s.firstUp, down, degraded, outages));
        }
        return out;
    }

    public List<SlotReport> slots() {
        List<SlotReport> out = new ArrayList<>();
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) {
            SlotStats s = e.getValue();
            out.add(new SlotReport(e.getKey(), s.insertions, s.planned, s.surprise, s.repairs, s.repairNanos));
        }
        return out;
    }

    public long lastMono() {
        return lastMono;
    }

    public Instant lastWall() {
        return lastWall;
    }
}
