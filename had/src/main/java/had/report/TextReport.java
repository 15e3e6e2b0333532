package had.report;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Availability as a table a person reads at a terminal. */
public final class TextReport {
    /** Five nines: 0.001 % of a year. */
    public static final double FIVE_NINES_MINUTES = Availability.MINUTES_PER_YEAR * 1e-5;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private TextReport() {}

    public static String render(List<Availability.ServiceReport> services, List<Availability.SlotReport> slots) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %12s %10s %10s %8s  %s%n", "SERVICE", "KIND",
                "OBSERVED", "AVAILABILITY", "DOWNTIME", "DEGRADED", "OUTAGES",
                String.format(Locale.ROOT, "PROJECTED/YEAR (budget %.2f min)", FIVE_NINES_MINUTES)));
        for (Availability.ServiceReport s : services) {
            if (s.observedNanos() == 0) {
                sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %12s%n", s.service(), s.kind(), "-", "never up"));
                continue;
            }
            double proj = s.projectedMinutesPerYear();
            sb.append(String.format(Locale.ROOT, "%-12s %-8s %10s %11.5f%% %10s %10s %8d  %.2f min %s%n",
                    s.service(), s.kind(), duration(s.observedNanos()), s.availability() * 100,
                    duration(s.downNanos()), duration(s.degradedNanos()), s.outages().size(), proj,
                    proj <= FIVE_NINES_MINUTES ? "within five nines" : "OVER the five-nines budget"));
        }
        for (Availability.ServiceReport s : services) {
            for (Availability.Outage o : s.outages()) {
                sb.append(String.format(Locale.ROOT, "  outage of %s at %s for %s: %s%n", o.service(),
                        o.start() == null ? "?" : TIME.format(o.start()), duration(o.durationNanos()), o.cause()));
            }
        }
        for (Availability.SlotReport s : slots) {
            sb.append(String.format(Locale.ROOT,
                    "  slot %-2d  %d inserted, %d planned extraction(s), %d surprise removal(s), MTTR %s%n",
                    s.slot(), s.insertions(), s.plannedExtractions(), s.surpriseRemovals(),
                    s.repairs() == 0 ? "-" : duration(s.repairNanos() / s.repairs())));
        }
        return sb.toString();
    }

    /** "850 ms", "12.4 s", "3.2 min", "5.1 h": the unit a person would use. */
    public static String duration(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1000) return String.format(Locale.ROOT, "%.0f ms", ms);
        double s = ms / 1000;
        if (s < 120) return String.format(Locale.ROOT, "%.1f s", s);
        if (s < 7200) return String.format(Locale.ROOT, "%.1f min", s / 60);
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }
}
