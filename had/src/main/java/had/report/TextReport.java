package had.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Availability as a table a person reads at a terminal. */
public final class TextReport {
    /** Five nines: 0.001 % of a year. */
    public static final double FIVE_NINES_MINUTES = Availability.FIVE_NINES_MINUTES;

    private TextReport() {}

    /** The live summary: this machine's time zone, no period header. */
    public static String render(Availability.Result r) {
        return render(r, ZoneId.systemDefault(), false);
    }

    public static String render(Availability.Result r, ZoneId zone, boolean header) {
        DateTimeFormatter time = formatter(zone);
        StringBuilder sb = new StringBuilder();
        if (header) {
            sb.append(String.format(Locale.ROOT, "Availability from %s to %s (%s): %d record(s), %d run(s) of had%n",
                    at(time, r.from()), at(time, r.to()), r.from() == null ? "-" : duration(Availability.Nanos.between(r.from(), r.to())),
                    r.records(), r.runs()));
            sb.append(String.format(Locale.ROOT, "Five-nines budget: %.2f min of downtime a year. Time had was not running"
                    + " counts as unknown, and unknown counts against availability.%n%n", FIVE_NINES_MINUTES));
        }
        sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %12s %10s %10s %10s %8s  %s%n", "SERVICE", "KIND",
                "COUNTED", "AVAILABILITY", "DOWNTIME", "UNKNOWN", "DEGRADED", "OUTAGES",
                String.format(Locale.ROOT, "PROJECTED/YEAR (budget %.2f min)", FIVE_NINES_MINUTES)));
        for (Availability.ServiceReport s : r.services()) {
            if (s.observedNanos() == 0) {
                sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %12s%n", s.service(), s.kind(), "-",
                        s.from() == null ? "never up" : "-"));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %11.5f%% %10s %10s %10s %8d  %s%n",
                    s.service(), s.kind(), duration(s.observedNanos()), s.availability() * 100,
                    duration(s.downNanos()), duration(s.unknownNanos()), duration(s.degradedNanos()), s.outageCount(),
                    projection(s.projectedMinutesPerYear())));
        }
        for (Availability.ServiceReport s : r.services()) {
            if (s.unknownNanos() > 0) {
                sb.append(String.format(Locale.ROOT, "  %s: %.5f%% over the time had saw (%s unknown)%n", s.service(),
                        s.knownAvailability() * 100, duration(s.unknownNanos())));
            }
        }
        for (Availability.ServiceReport s : r.services()) {
            for (Availability.Outage o : s.outages()) {
                sb.append(String.format(Locale.ROOT, "  outage of %s at %s for %s: %s%s%n", o.service(),
                        at(time, o.start()), duration(o.durationNanos()), o.cause(),
                        o.note().isEmpty() ? "" : " (" + o.note() + ")"));
            }
            if (s.outageCount() > s.outages().size()) {
                sb.append(String.format(Locale.ROOT, "  ... and %d more outage(s) of %s%n",
                        s.outageCount() - s.outages().size(), s.service()));
            }
        }
        for (Availability.Gap g : r.gaps()) {
            sb.append(String.format(Locale.ROOT, "  had not running from %s to %s (%s): %s%n", at(time, g.from()),
                    at(time, g.to()), duration(g.nanos()), gapWhy(g)));
        }
        if (r.gapCount() > r.gaps().size()) {
            sb.append(String.format(Locale.ROOT, "  ... and %d more time(s) had was not running%n", r.gapCount() - r.gaps().size()));
        }
        for (Availability.Lost l : r.lost()) sb.append("  ").append(lostWhat(l, time)).append(String.format("%n"));
        for (Availability.SlotReport s : r.slots()) {
            sb.append(String.format(Locale.ROOT,
                    "  slot %-2d  %d inserted, %d planned extraction(s), %d surprise removal(s)%s, MTTR %s%n",
                    s.slot(), s.insertions(), s.plannedExtractions(), s.surpriseRemovals(),
                    s.unseenRemovals() == 0 ? "" : ", " + s.unseenRemovals() + " removed while had was not running",
                    s.repairs() == 0 ? "-" : duration(s.repairNanos() / s.repairs())));
        }
        return sb.toString();
    }

    /** One span of lost audit records, in words. */
    static String lostWhat(Availability.Lost l, DateTimeFormatter time) {
        return String.format(Locale.ROOT, "audit records lost from %s to %s: %d record(s) the log could neither write nor"
                + " hold; every service and slot unknown from then until recorded again", at(time, l.from()), at(time, l.to()),
                l.records());
    }

    static String gapWhy(Availability.Gap g) {
        if (g.cleanStop()) return "had was stopped";
        if (g.heartbeatMillis() > 0) {
            return "had ended without stopping (crash or power loss) within " + duration(g.heartbeatMillis() * 1_000_000L)
                    + " of its last heartbeat";
        }
        return "had ended without stopping (crash or power loss) some time after its last record (no heartbeats)";
    }

    static DateTimeFormatter formatter(ZoneId zone) {
        return zone.equals(ZoneOffset.UTC)
                ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(zone)
                : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(zone);
    }

    static String at(DateTimeFormatter f, Instant i) {
        return i == null ? "?" : f.format(i);
    }

    /** "850 ms", "12.4 s", "3.2 min", "5.1 h", "3.5 d": the unit a person would use. */
    /** "1.23 min within five nines", "7826.45 min OVER the five-nines budget": a projected year. */
    static String projection(double minutesPerYear) {
        return String.format(Locale.ROOT, "%.2f min %s", minutesPerYear,
                minutesPerYear <= FIVE_NINES_MINUTES ? "within five nines" : "OVER the five-nines budget");
    }

    public static String duration(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1000) return String.format(Locale.ROOT, "%.0f ms", ms);
        double s = ms / 1000;
        if (s < 120) return String.format(Locale.ROOT, "%.1f s", s);
        if (s < 7200) return String.format(Locale.ROOT, "%.1f min", s / 60);
        if (s < 172_800) return String.format(Locale.ROOT, "%.1f h", s / 3600);
        return String.format(Locale.ROOT, "%.1f d", s / 86400);
    }
}
