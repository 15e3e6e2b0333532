package had.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
 * A summary table with a verdict per service, a timeline of every bond and service address (up,
 * degraded, down, unknown) and of every slot (in service, extracting, safe to remove, empty,
 * failed, ..., with insertion and removal marks), the outages numbered on the timeline and listed
 * below it, and the times had was not running. All times are UTC.
 */
public final class HtmlReport {
    static final int LABEL_WIDTH = 150;
    static final int PLOT_WIDTH = 1000;
    static final int WIDTH = LABEL_WIDTH + PLOT_WIDTH + 20;
    static final int ROW = 22;
    static final int ROW_GAP = 8;
    /** Outages numbered on the timeline; past this only the red of the bars shows them. */
    static final int MAX_MARKS = 200;

    static final String[] SERVICE_COLOURS = {"#2b9348", "#f2b705", "#d62828", "url(#unknown)"};
    static final String[] SERVICE_WORDS = {"up", "degraded", "down", "unknown (had not running)"};
    /** In the order of {@link Availability#SLOT_STATES}. */
    static final String[] SLOT_COLOURS = {"#2b9348", "#95d5b2", "#f4a261", "#3a86ff", "#e9ecef", "#d62828",
            "#adb5bd", "url(#unknown)"};
    static final String[] SLOT_WORDS = {"in service", "inserting", "extracting", "safe to remove (blue LED)", "empty",
            "failed", "ignored (unknown card)", "unknown (had not running)"};

    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private HtmlReport() {}

    public static String render(Availability.Result r, List<Path> files, Instant generated) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>had availability report</title>\n");
        h.append("<style>\n").append(CSS).append("</style></head><body>\n");
        h.append("<h1>had availability report</h1>\n<p class=\"meta\">");
        if (r.records() == 0) {
            h.append("No audit records in ").append(esc(fileNames(files))).append(".</p></body></html>\n");
            return h.toString();
        }
        h.append("From <b>").append(FULL.format(r.from())).append("</b> to <b>").append(FULL.format(r.to()))
                .append("</b> (").append(TextReport.duration(Availability.Nanos.between(r.from(), r.to())))
                .append("), ").append(r.records()).append(" audit records, ").append(r.runs())
                .append(r.runs() == 1 ? " run" : " runs").append(" of had. All times UTC.<br>Budget for five nines: ")
                .append(String.format(Locale.ROOT, "%.2f", Availability.FIVE_NINES_MINUTES))
                .append(" minutes of downtime a year. Time had was not running is <i>unknown</i> and counts against availability.")
                .append("<br>Files: ").append(esc(fileNames(files))).append(". Generated ")
                .append(FULL.format(generated)).append(".</p>\n");

        summary(h, r);
        h.append("<h2>Timeline</h2>\n");
        if (r.timeline() != null) timeline(h, r);
        outages(h, r);
        slots(h, r);
        gaps(h, r);
        lost(h, r);
        h.append("<p class=\"meta\">Computed from the audit log alone; run <code>hadctl audit verify</code> to prove the log"
                + " is whole and unaltered.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, Availability.Result r) {
        h.append("<h2>Services</h2>\n<table class=\"summary\"><thead><tr><th>Service</th><th>Kind</th><th>Counted</th>"
                + "<th>Availability</th><th>Downtime</th><th>Unknown</th><th>Degraded</th><th>Outages</th>"
                + "<th>Projected downtime / year</th><th>Five nines</th></tr></thead><tbody>\n");
        for (Availability.ServiceReport s : r.services()) {
            h.append("<tr><td class=\"name\">").append(esc(s.service())).append("</td><td>").append(esc(s.kind())).append("</td>");
            if (s.observedNanos() == 0) {
                h.append("<td colspan=\"8\">").append(s.from() == null ? "never seen working" : "-").append("</td></tr>\n");
                continue;
            }
            boolean ok = s.withinFiveNines();
            h.append("<td>").append(TextReport.duration(s.observedNanos())).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.5f %%", s.availability() * 100));
            if (s.unknownNanos() > 0) {
                h.append("<br><small>").append(String.format(Locale.ROOT, "%.5f %%", s.knownAvailability() * 100))
                        .append(" of the time seen</small>");
            }
            h.append("</td><td>").append(TextReport.duration(s.downNanos())).append("</td><td>")
                    .append(TextReport.duration(s.unknownNanos())).append("</td><td>")
                    .append(TextReport.duration(s.degradedNanos())).append("</td><td>").append(s.outageCount())
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f min", s.projectedMinutesPerYear()))
                    .append("</td><td><span class=\"").append(ok ? "ok" : "over").append("\">")
                    .append(ok ? "within budget" : "OVER budget").append("</span></td></tr>\n");
        }
        h.append("</tbody></table>\n");
        long period = Availability.Nanos.between(r.from(), r.to());
        if (period < 86_400_000_000_000L) {
            h.append("<p class=\"meta\">The projection scales this period's downtime and unknown time to a year: over a"
                    + " period as short as ").append(TextReport.duration(period)).append(" it says little.</p>\n");
        }
    }

    private static void timeline(StringBuilder h, Availability.Result r) {
        Timeline t = r.timeline();
        List<Timeline.Row> services = new ArrayList<>(), slots = new ArrayList<>();
        for (Timeline.Row row : t.rows()) (row.group.equals("slot") ? slots : services).add(row);
        slots.sort((a, b) -> Integer.compare(slotNo(a.name), slotNo(b.name)));
        int axis = 40;
        int y = axis + 8;
        int servicesTop = y + 16;
        int height = servicesTop + services.size() * (ROW + ROW_GAP) + 24 + 16 + slots.size() * (ROW + ROW_GAP) + 10;
        h.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"states over time\">\n");
        h.append("<defs><pattern id=\"unknown\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
                + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dee2e6\"/>"
                + "<rect width=\"2\" height=\"6\" fill=\"#868e96\"/></pattern></defs>\n");
        axis(h, t, axis, height - 4);
        h.append("<text class=\"group\" x=\"4\" y=\"").append(servicesTop - 6).append("\">Bonds and service addresses</text>\n");
        y = servicesTop;
        Map<String, Availability.ServiceReport> byName = new java.util.HashMap<>();
        for (Availability.ServiceReport s : r.services()) byName.put(s.service(), s);
        int mark = 0;
        for (Timeline.Row row : services) {
            label(h, row.name + " (" + row.group + ")", y);
            bars(h, t, row, y, true);
            Availability.ServiceReport s = byName.get(row.name);
            if (s != null) {
                for (Availability.Outage o : s.outages()) {
                    mark++;
                    if (mark > MAX_MARKS) continue;
                    double x = LABEL_WIDTH + (Availability.Nanos.of(o.start()) - t.from()) * (double) PLOT_WIDTH / (t.to() - t.from());
                    x = Math.max(LABEL_WIDTH, Math.min(LABEL_WIDTH + PLOT_WIDTH, x));
                    h.append("<g class=\"outage-mark\"><title>outage ").append(mark).append(" of ").append(esc(row.name))
                            .append(" at ").append(FULL.format(o.start())).append(" for ")
                            .append(TextReport.duration(o.durationNanos())).append(": ").append(esc(o.cause()))
                            .append("</title><path d=\"M").append(fmt(x - 5)).append(' ').append(y - 9).append(" h10 l-5 8 z\""
                                    + " fill=\"#d62828\" stroke=\"#fff\" stroke-width=\"0.8\"/><text class=\"mark-no\" x=\"")
                            .append(fmt(x + 6)).append("\" y=\"").append(y - 1).append("\">").append(mark).append("</text></g>\n");
                }
            }
            y += ROW + ROW_GAP;
        }
        legend(h, SERVICE_COLOURS, SERVICE_WORDS, y + 2, null);
        y += 24 + 16;
        h.append("<text class=\"group\" x=\"4\" y=\"").append(y - 6).append("\">Slots</text>\n");
        for (Timeline.Row row : slots) {
            label(h, row.name, y);
            bars(h, t, row, y, false);
            marks(h, t, row, y);
            y += ROW + ROW_GAP;
        }
        h.append("</svg>\n");
        h.append("<div class=\"legend\">");
        for (int i = 0; i < SLOT_WORDS.length; i++) {
            h.append("<span><svg width=\"14\" height=\"12\"><rect width=\"14\" height=\"12\" fill=\"")
                    .append(SLOT_COLOURS[i])
                    .append("\" stroke=\"#868e96\" stroke-width=\"0.5\"/></svg> ").append(SLOT_WORDS[i]).append("</span>");
        }
        h.append("<span><svg width=\"14\" height=\"12\"><rect width=\"14\" height=\"12\" fill=\"#fff\""
                + " stroke=\"#868e96\" stroke-width=\"0.5\"/></svg> no record yet</span>");
        h.append("<span><b class=\"ins\">&#9650;</b> card inserted</span><span><b class=\"rem\">&#9660;</b> card pulled"
                + " after extraction</span><span><b class=\"sur\">&#10006;</b> surprise removal (yanked)</span>"
                + "<span><b class=\"uns\">?</b> gone while had was not running</span></div>\n");
    }

    private static void axis(StringBuilder h, Timeline t, int y, int bottom) {
        long span = t.to() - t.from();
        long step = tickStep(span);
        DateTimeFormatter f = DateTimeFormatter.ofPattern(step < 1_000_000_000L ? "HH:mm:ss.SSS"
                : step < 60_000_000_000L ? "HH:mm:ss" : step < 86_400_000_000_000L ? "MM-dd HH:mm" : "yyyy-MM-dd")
                .withZone(ZoneOffset.UTC);
        h.append("<line class=\"axis\" x1=\"").append(LABEL_WIDTH).append("\" y1=\"").append(y).append("\" x2=\"")
                .append(LABEL_WIDTH + PLOT_WIDTH).append("\" y2=\"").append(y).append("\"/>\n");
        long first = Math.floorDiv(t.from() + step - 1, step) * step;
        for (long tick = first; tick <= t.to(); tick += step) {
            double x = LABEL_WIDTH + (tick - t.from()) * (double) PLOT_WIDTH / span;
            h.append("<line class=\"grid\" x1=\"").append(fmt(x)).append("\" y1=\"").append(y).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(bottom).append("\"/><text class=\"tick\" x=\"").append(fmt(x))
                    .append("\" y=\"").append(y - 6).append("\">").append(f.format(Availability.Nanos.instant(tick)))
                    .append("</text>\n");
        }
        h.append("<text class=\"tick start\" x=\"4\" y=\"").append(y - 22).append("\">UTC, from ")
                .append(DateTimeFormatter.ofPattern(step < 86_400_000_000_000L ? "yyyy-MM-dd" : "yyyy").withZone(ZoneOffset.UTC)
                        .format(Availability.Nanos.instant(t.from()))).append("</text>\n");
    }

    /** A step that gives at most ten ticks, from milliseconds to months. */
    static long tickStep(long span) {
        long ms = 1_000_000L, s = 1000 * ms, m = 60 * s, hr = 60 * m, d = 24 * hr;
        long[] steps = {ms, 2 * ms, 5 * ms, 10 * ms, 20 * ms, 50 * ms, 100 * ms, 200 * ms, 500 * ms, s, 2 * s, 5 * s,
                10 * s, 15 * s, 30 * s, m, 2 * m, 5 * m, 10 * m, 15 * m, 30 * m, hr, 2 * hr, 3 * hr, 6 * hr, 12 * hr, d,
                2 * d, 7 * d, 14 * d, 30 * d, 91 * d};
        for (long st : steps) if (span / st <= 10) return st;
        return 365 * d;
    }

    private static void label(StringBuilder h, String text, int y) {
        h.append("<text class=\"label\" x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + ROW / 2 + 4)
                .append("\">").append(esc(text)).append("</text>\n");
        h.append("<rect class=\"track\" x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y).append("\" width=\"")
                .append(PLOT_WIDTH).append("\" height=\"").append(ROW).append("\"/>\n");
    }

    /**
     * One bar per run of columns of the same colour. A service column shows the worst state in it
     * (down, then unknown, then degraded), so a short outage stays visible at a year's scale; a slot
     * column shows its longest state, or failed if it failed at all.
     */
    private static void bars(StringBuilder h, Timeline t, Timeline.Row row, int y, boolean service) {
        String[] colours = service ? SERVICE_COLOURS : SLOT_COLOURS;
        String[] words = service ? SERVICE_WORDS : SLOT_WORDS;
        int n = t.buckets();
        int runStart = 0;
        int runState = -1;
        for (int b = 0; b <= n; b++) {
            int st = b == n ? -2 : columnState(t, row, b, service);
            if (st == runState) continue;
            if (runState >= 0) {
                double x0 = LABEL_WIDTH + runStart * (double) PLOT_WIDTH / n, x1 = LABEL_WIDTH + b * (double) PLOT_WIDTH / n;
                long from = t.from() + (long) (runStart * t.bucketNanos()), to = t.from() + (long) (b * t.bucketNanos());
                h.append("<rect class=\"s-").append(cls(words[runState])).append("\" x=\"").append(fmt(x0)).append("\" y=\"")
                        .append(y).append("\" width=\"").append(fmt(Math.max(1, x1 - x0))).append("\" height=\"").append(ROW)
                        .append("\" fill=\"").append(colours[runState]).append("\"><title>").append(esc(row.name)).append(": ")
                        .append(words[runState]).append(", ").append(FULL.format(Availability.Nanos.instant(from))).append(" to ")
                        .append(FULL.format(Availability.Nanos.instant(to))).append("</title></rect>\n");
            }
            runStart = b;
            runState = st;
        }
    }

    static int columnState(Timeline t, Timeline.Row row, int b, boolean service) {
        if (service) {
            int[] worst = {Availability.DOWN, Availability.UNKNOWN, Availability.DEGRADED, Availability.UP};
            for (int s : worst) if (row.time(b, s) > 0) return s;
            return -1;
        }
        int failed = Availability.SLOT_STATES.indexOf("FAILED");
        if (row.time(b, failed) > 0) return failed;
        int best = -1;
        long most = 0;
        for (int s = 0; s < row.states.size(); s++) {
            if (row.time(b, s) > most) {
                most = row.time(b, s);
                best = s;
            }
        }
        return best;
    }

    private static void marks(StringBuilder h, Timeline t, Timeline.Row row, int y) {
        for (Map.Entry<String, int[]> e : row.marks().entrySet()) {
            int[] counts = e.getValue();
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] == 0) continue;
                double x = LABEL_WIDTH + (b + 0.5) * PLOT_WIDTH / counts.length;
                String what = switch (e.getKey()) {
                    case "inserted" -> "card inserted";
                    case "removed" -> "card pulled after extraction";
                    case "surprise" -> "surprise removal";
                    default -> "card gone while had was not running";
                };
                String title = "<title>" + esc(row.name) + ": " + what + (counts[b] > 1 ? " x" + counts[b] : "") + " at "
                        + FULL.format(Availability.Nanos.instant(t.from() + (long) (b * t.bucketNanos()))) + "</title>";
                switch (e.getKey()) {
                    case "inserted" -> h.append("<g class=\"mark-inserted\">").append(title).append("<path d=\"M")
                            .append(fmt(x - 5)).append(' ').append(y + ROW + 6).append(" l5 -8 l5 8 z\" fill=\"#1b4332\"/></g>\n");
                    case "removed" -> h.append("<g class=\"mark-removed\">").append(title).append("<path d=\"M")
                            .append(fmt(x - 5)).append(' ').append(y - 6).append(" h10 l-5 8 z\" fill=\"#1d3557\"/></g>\n");
                    case "surprise" -> h.append("<g class=\"mark-surprise\">").append(title).append("<path d=\"M")
                            .append(fmt(x - 5)).append(' ').append(y - 7).append(" l10 10 m0 -10 l-10 10\" stroke=\"#d62828\""
                                    + " stroke-width=\"3\"/></g>\n");
                    default -> h.append("<g class=\"mark-unseen\">").append(title).append("<text class=\"unseen\" x=\"")
                            .append(fmt(x)).append("\" y=\"").append(y - 2).append("\">?</text></g>\n");
                }
            }
        }
    }

    private static void legend(StringBuilder h, String[] colours, String[] words, int y, String extra) {
        double x = LABEL_WIDTH;
        for (int i = 0; i < words.length; i++) {
            h.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\" width=\"14\" height=\"12\" fill=\"")
                    .append(colours[i]).append("\" stroke=\"#868e96\" stroke-width=\"0.5\"/><text class=\"legend\" x=\"")
                    .append(fmt(x + 18)).append("\" y=\"").append(y + 10).append("\">").append(words[i]).append("</text>\n");
            x += 18 + words[i].length() * 6.6 + 18;
        }
        h.append("<path d=\"M").append(fmt(x)).append(' ').append(y + 1).append(" h10 l-5 8 z\" fill=\"#d62828\"/>"
                + "<text class=\"legend\" x=\"").append(fmt(x + 14)).append("\" y=\"").append(y + 10)
                .append("\">outage (numbered as in the list below)</text>\n");
        x += 14 + 38 * 6.6;
        h.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\" width=\"14\" height=\"12\" fill=\"#fff\""
                + " stroke=\"#868e96\" stroke-width=\"0.5\"/><text class=\"legend\" x=\"").append(fmt(x + 18)).append("\" y=\"")
                .append(y + 10).append("\">not yet in service</text>\n");
        if (extra != null) h.append(extra);
    }

    private static void outages(StringBuilder h, Availability.Result r) {
        h.append("<h2>Outages</h2>\n");
        int total = 0;
        for (Availability.ServiceReport s : r.services()) total += s.outageCount();
        if (total == 0) {
            h.append("<p>None: every service stayed up whenever had was watching.</p>\n");
            return;
        }
        h.append("<table class=\"outages\"><thead><tr><th>#</th><th>Service</th><th>Start (UTC)</th><th>Duration</th>"
                + "<th>Unseen</th><th>Cause</th><th>Note</th></tr></thead><tbody>\n");
        int n = 0;
        for (Availability.ServiceReport s : r.services()) {
            for (Availability.Outage o : s.outages()) {
                n++;
                h.append("<tr><td>").append(n).append("</td><td class=\"name\">").append(esc(o.service())).append("</td><td>")
                        .append(FULL.format(o.start())).append("</td><td>").append(TextReport.duration(o.durationNanos()))
                        .append("</td><td>").append(o.unknownNanos() == 0 ? "-" : TextReport.duration(o.unknownNanos()))
                        .append("</td><td>").append(esc(o.cause())).append("</td><td>").append(esc(o.note())).append("</td></tr>\n");
            }
            if (s.outageCount() > s.outages().size()) {
                h.append("<tr><td colspan=\"7\">... and ").append(s.outageCount() - s.outages().size())
                        .append(" more outage(s) of ").append(esc(s.service())).append(" (counted above, not listed)</td></tr>\n");
            }
        }
        h.append("</tbody></table>\n");
    }

    private static void slots(StringBuilder h, Availability.Result r) {
        h.append("<h2>Slots</h2>\n<table class=\"slots\"><thead><tr><th>Slot</th><th>Insertions</th>"
                + "<th>Planned extractions</th><th>Surprise removals</th><th>Gone while had was away</th>"
                + "<th>Repairs</th><th>MTTR</th></tr></thead><tbody>\n");
        for (Availability.SlotReport s : r.slots()) {
            h.append("<tr><td class=\"name\">").append(s.slot()).append("</td><td>").append(s.insertions()).append("</td><td>")
                    .append(s.plannedExtractions()).append("</td><td>").append(s.surpriseRemovals()).append("</td><td>")
                    .append(s.unseenRemovals()).append("</td><td>").append(s.repairs()).append("</td><td>")
                    .append(s.repairs() == 0 ? "-" : TextReport.duration(s.repairNanos() / s.repairs())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n<p class=\"meta\">MTTR: from the card leaving service (extraction accepted, or surprise"
                + " removal) to the slot being in service again.</p>\n");
    }

    private static void lost(StringBuilder h, Availability.Result r) {
        if (r.lost().isEmpty()) return;
        h.append("<h2>Audit records lost</h2>\n");
        for (Availability.Lost l : r.lost()) h.append("<p>").append(esc(TextReport.lostWhat(l, FULL))).append(".</p>\n");
    }

    private static void gaps(StringBuilder h, Availability.Result r) {
        h.append("<h2>Times had was not running</h2>\n");
        if (r.gapCount() == 0) {
            h.append("<p>None in this period.</p>\n");
            return;
        }
        h.append("<p>").append(r.gapCount()).append(" time(s), ").append(TextReport.duration(r.daemonAwayNanos()))
                .append(" in all (unknown for every service).</p>\n<table class=\"gaps\"><thead><tr><th>From (UTC)</th>"
                        + "<th>To</th><th>Duration</th><th>Why</th></tr></thead><tbody>\n");
        for (Availability.Gap g : r.gaps()) {
            h.append("<tr><td>").append(FULL.format(g.from())).append("</td><td>").append(FULL.format(g.to())).append("</td><td>")
                    .append(TextReport.duration(g.nanos())).append("</td><td>").append(esc(TextReport.gapWhy(g)))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static int slotNo(String name) {
        try {
            return Integer.parseInt(name.substring(name.lastIndexOf(' ') + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String fileNames(List<Path> files) {
        List<String> names = new ArrayList<>();
        for (Path p : files) names.add(p.toString());
        return String.join(", ", names);
    }

    private static String cls(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-").replaceAll("-+$", "");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#212529;margin:24px;max-width:1240px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:3px}
            .meta{color:#495057;font-size:13px}
            table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #dee2e6;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f1f3f5}td.name{font-weight:600}td.num{font-variant-numeric:tabular-nums;font-weight:600}
            .ok{background:#d8f3dc;color:#1b4332;padding:1px 6px;border-radius:3px;font-weight:600}
            .over{background:#d62828;color:#fff;padding:1px 6px;border-radius:3px;font-weight:600}
            svg.timeline{display:block;max-width:100%;height:auto;font-family:inherit}
            svg text{font-size:12px;fill:#212529}svg text.label{text-anchor:end;font-weight:600}
            svg text.group{font-size:13px;font-weight:700}svg text.tick{font-size:11px;text-anchor:middle;fill:#495057}
            svg text.tick.start{text-anchor:start;font-weight:600}
            svg text.legend{font-size:11px}svg text.mark-no{font-size:10px;font-weight:700;fill:#d62828}
            svg text.unseen{font-size:13px;font-weight:700;text-anchor:middle;fill:#495057}
            svg .axis{stroke:#868e96}svg .grid{stroke:#ced4da;stroke-dasharray:2 3}svg .track{fill:#fff;stroke:#ced4da}
            .legend{font-size:12px;margin:4px 0 0 150px}.legend span{margin-right:14px;white-space:nowrap}
            .ins{color:#1b4332}.rem{color:#1d3557}.sur{color:#d62828}.uns{color:#495057}
            """;
}
