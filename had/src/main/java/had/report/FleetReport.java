package had.report;

import had.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A fleet's availability ({@link Fleet}) as text, one JSON object, or one self-contained HTML page. */
public final class FleetReport {
    public static final int SCHEMA = 1;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private FleetReport() {
    }

    private static String pct(Fleet.Totals t) {
        return t.counted() == 0 ? "-" : pct(t.availability());
    }

    private static String pct(double a) {
        return String.format(Locale.ROOT, "%.5f%%", a * 100);
    }

    private static String verdict(Fleet.Totals t) {
        if (t.counted() == 0) return "never up";
        return TextReport.projection(t.projectedMinutesPerYear());
    }

    private static String at(Instant i) {
        return i == null ? "-" : TIME.format(i);
    }

    // ---- text ---------------------------------------------------------------------------

    public static String text(Fleet.Result r) {
        StringBuilder sb = new StringBuilder();
        List<Fleet.Chassis> bad = r.unverified();
        sb.append(String.format(Locale.ROOT, "Fleet availability from %s: %d chassis, %d verified, %d UNVERIFIED (not counted)%n",
                r.dir(), r.chassis().size(), r.chassis().size() - bad.size(), bad.size()));
        sb.append(String.format(Locale.ROOT, "Five-nines budget: %.2f min of downtime a year; unknown time counts against"
                + " availability.%n%n", Availability.FIVE_NINES_MINUTES));
        Fleet.Totals f = r.fleet();
        sb.append(String.format(Locale.ROOT, "FLEET: %s over %d service(s) of the verified chassis; downtime %s, unknown %s,"
                        + " %d outage(s); projected %s%n%n", pct(f), f.services, TextReport.duration(f.down),
                TextReport.duration(f.unknown), f.outages, verdict(f)));
        if (!bad.isEmpty()) {
            sb.append("UNVERIFIED CHASSIS (left out of every figure):\n");
            for (Fleet.Chassis c : bad) sb.append("  ").append(c.name()).append(": ").append(c.unverified()).append('\n');
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%-14s %-8s %8s %12s %10s %10s %8s  %s%n", "SERVICE", "KIND", "CHASSIS",
                "AVAILABILITY", "DOWNTIME", "UNKNOWN", "OUTAGES", "PROJECTED/YEAR"));
        for (Fleet.FleetService s : r.services()) {
            Fleet.Totals t = s.totals();
            sb.append(String.format(Locale.ROOT, "%-14s %-8s %8d %12s %10s %10s %8d  %s%n", s.service(), s.kind(), s.chassis(),
                    pct(t), TextReport.duration(t.down), TextReport.duration(t.unknown), t.outages, verdict(t)));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-20s %12s %10s %10s %8s %10s  %s%n", "CHASSIS (worst first)", "AVAILABILITY",
                "DOWNTIME", "UNKNOWN", "OUTAGES", "RECORDS", "PROJECTED/YEAR"));
        for (Fleet.Chassis c : r.verified()) {
            Fleet.Totals t = c.totals();
            sb.append(String.format(Locale.ROOT, "%-20s %12s %10s %10s %8d %10d  %s%n", c.name(), pct(t),
                    TextReport.duration(t.down), TextReport.duration(t.unknown), t.outages, c.records(), verdict(t)));
        }
        if (!r.worst().isEmpty()) {
            sb.append("\nWORST OUTAGES (longest first):\n");
            for (Fleet.ChassisOutage co : r.worst()) {
                Availability.Outage o = co.outage();
                sb.append(String.format(Locale.ROOT, "  %s %s at %s for %s: %s%s%n", co.chassis(), o.service(), at(o.start()),
                        TextReport.duration(o.durationNanos()), o.cause(), o.note().isEmpty() ? "" : " (" + o.note() + ")"));
            }
        }
        return sb.toString();
    }

    // ---- JSON ---------------------------------------------------------------------------

    private static Map<String, Object> totals(Fleet.Totals t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("services", t.services);
        m.put("counted_s", t.counted() / 1e9);
        m.put("up_s", t.up / 1e9);
        m.put("degraded_s", t.degraded / 1e9);
        m.put("down_s", t.down / 1e9);
        m.put("unknown_s", t.unknown / 1e9);
        m.put("availability", t.availability());
        m.put("projected_minutes_per_year", t.projectedMinutesPerYear());
        m.put("within_five_nines", t.projectedMinutesPerYear() <= Availability.FIVE_NINES_MINUTES);
        m.put("outage_count", t.outages);
        return m;
    }

    private static Map<String, Object> outage(String chassis, Availability.Outage o) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (chassis != null) m.put("chassis", chassis);
        m.put("service", o.service());
        m.putAll(JsonReport.outage(o));
        return m;
    }

    public static String json(Fleet.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("report", "fleet-availability");
        o.put("schema", SCHEMA);
        o.put("dir", r.dir().toString());
        o.put("since", r.since() == null ? null : r.since().toString());
        o.put("until", r.until() == null ? null : r.until().toString());
        o.put("five_nines_minutes_per_year", Availability.FIVE_NINES_MINUTES);
        o.put("chassis_count", r.chassis().size());
        o.put("unverified_count", r.unverified().size());
        o.put("fleet", totals(r.fleet()));
        List<Object> services = new ArrayList<>();
        for (Fleet.FleetService s : r.services()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", s.service());
            m.put("kind", s.kind());
            m.put("chassis", s.chassis());
            m.putAll(totals(s.totals()));
            services.add(m);
        }
        o.put("services", services);
        List<Object> chassis = new ArrayList<>();
        for (Fleet.Chassis c : r.chassis()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chassis", c.name());
            m.put("verified", c.verified());
            if (!c.verified()) {
                m.put("unverified", c.unverified());
                chassis.add(m);
                continue;
            }
            m.put("from", c.from() == null ? null : c.from().toString());
            m.put("to", c.to() == null ? null : c.to().toString());
            m.put("records", c.records());
            m.putAll(totals(c.totals()));
            List<Object> svc = new ArrayList<>();
            for (Fleet.Service s : c.services()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("service", s.service());
                sm.put("kind", s.kind());
                sm.put("availability", s.availability());
                sm.put("down_s", s.downNanos() / 1e9);
                sm.put("unknown_s", s.unknownNanos() / 1e9);
                sm.put("outage_count", s.outages());
                svc.add(sm);
            }
            m.put("services", svc);
            List<Object> slots = new ArrayList<>();
            for (Availability.SlotReport s : c.slots()) slots.add(JsonReport.slot(s));
            m.put("slots", slots);
            List<Object> worst = new ArrayList<>();
            for (Availability.Outage w : c.worst()) worst.add(outage(null, w));
            m.put("worst_outages", worst);
            chassis.add(m);
        }
        o.put("chassis", chassis);
        List<Object> worst = new ArrayList<>();
        for (Fleet.ChassisOutage co : r.worst()) worst.add(outage(co.chassis(), co.outage()));
        o.put("worst_outages", worst);
        return Json.write(o);
    }

    // ---- HTML ---------------------------------------------------------------------------

    public static String html(Fleet.Result r, Instant generated) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>had fleet availability</title>\n");
        h.append("<style>\n").append(HtmlReport.CSS).append("</style></head><body>\n");
        h.append("<h1>had fleet availability</h1>\n<p class=\"meta\">");
        List<Fleet.Chassis> bad = r.unverified();
        h.append(r.chassis().size()).append(" chassis in <b>").append(HtmlReport.esc(r.dir().toString())).append("</b>: ")
                .append(r.chassis().size() - bad.size()).append(" verified, <b>").append(bad.size())
                .append(" unverified</b> (left out of every figure). Budget for five nines: ")
                .append(String.format(Locale.ROOT, "%.2f", Availability.FIVE_NINES_MINUTES))
                .append(" minutes of downtime a year; unknown time counts against availability. Generated ")
                .append(TIME.format(generated)).append(".</p>\n");
        Fleet.Totals f = r.fleet();
        h.append("<h2>Fleet</h2>\n<p><b>").append(pct(f)).append("</b> over ").append(f.services)
                .append(" services; downtime ").append(TextReport.duration(f.down)).append(", unknown ")
                .append(TextReport.duration(f.unknown)).append(", ").append(f.outages).append(" outages; projected ")
                .append(HtmlReport.esc(verdict(f))).append(".</p>\n");
        if (!bad.isEmpty()) {
            h.append("<h2>Unverified chassis</h2>\n<table><tr><th>Chassis</th><th>Why it is not counted</th></tr>\n");
            for (Fleet.Chassis c : bad) {
                h.append("<tr><td>").append(HtmlReport.esc(c.name())).append("</td><td>").append(HtmlReport.esc(c.unverified()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Services</h2>\n<table><tr><th>Service</th><th>Kind</th><th>Chassis</th><th>Availability</th>"
                + "<th>Downtime</th><th>Unknown</th><th>Outages</th><th>Projected a year</th></tr>\n");
        for (Fleet.FleetService s : r.services()) {
            Fleet.Totals t = s.totals();
            h.append("<tr><td>").append(HtmlReport.esc(s.service())).append("</td><td>").append(HtmlReport.esc(s.kind())).append("</td><td>")
                    .append(s.chassis()).append("</td><td>").append(pct(t)).append("</td><td>")
                    .append(TextReport.duration(t.down)).append("</td><td>").append(TextReport.duration(t.unknown))
                    .append("</td><td>").append(t.outages).append("</td><td>").append(HtmlReport.esc(verdict(t))).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Chassis, worst first</h2>\n<table><tr><th>Chassis</th><th>Availability</th><th>Downtime</th>"
                + "<th>Unknown</th><th>Outages</th><th>Records</th><th>Projected a year</th></tr>\n");
        for (Fleet.Chassis c : r.verified()) {
            Fleet.Totals t = c.totals();
            h.append("<tr><td>").append(HtmlReport.esc(c.name())).append("</td><td>").append(pct(t))
                    .append("</td><td>").append(TextReport.duration(t.down)).append("</td><td>")
                    .append(TextReport.duration(t.unknown)).append("</td><td>").append(t.outages).append("</td><td>")
                    .append(c.records()).append("</td><td>").append(HtmlReport.esc(verdict(t))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (!r.worst().isEmpty()) {
            h.append("<h2>Worst outages</h2>\n<table><tr><th>Chassis</th><th>Service</th><th>Start (UTC)</th><th>Duration</th>"
                    + "<th>Cause</th></tr>\n");
            for (Fleet.ChassisOutage co : r.worst()) {
                Availability.Outage o = co.outage();
                h.append("<tr><td>").append(HtmlReport.esc(co.chassis())).append("</td><td>").append(HtmlReport.esc(o.service()))
                        .append("</td><td>").append(at(o.start())).append("</td><td>").append(TextReport.duration(o.durationNanos()))
                        .append("</td><td>").append(HtmlReport.esc(o.cause() + (o.note().isEmpty() ? "" : " (" + o.note() + ")")))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }
}
