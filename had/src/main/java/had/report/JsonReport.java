package had.report;

import had.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report as one JSON object, for scripts (durations in seconds, times as UTC instants). */
public final class JsonReport {
    public static final int SCHEMA = 1;

    private JsonReport() {}

    public static String render(Availability.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("report", "availability");
        o.put("schema", SCHEMA);
        o.put("from", str(r.from()));
        o.put("to", str(r.to()));
        o.put("records", r.records());
        o.put("runs", r.runs());
        o.put("five_nines_minutes_per_year", Availability.FIVE_NINES_MINUTES);
        List<Object> services = new ArrayList<>();
        for (Availability.ServiceReport s : r.services()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", s.service());
            m.put("kind", s.kind());
            m.put("from", str(s.from()));
            m.put("counted_s", sec(s.observedNanos()));
            m.put("up_s", sec(s.upNanos()));
            m.put("degraded_s", sec(s.degradedNanos()));
            m.put("down_s", sec(s.downNanos()));
            m.put("unknown_s", sec(s.unknownNanos()));
            m.put("availability", s.availability());
            m.put("known_availability", s.knownAvailability());
            m.put("projected_minutes_per_year", s.projectedMinutesPerYear());
            m.put("within_five_nines", s.withinFiveNines());
            m.put("outage_count", s.outageCount());
            List<Object> outages = new ArrayList<>();
            for (Availability.Outage x : s.outages()) {
                outages.add(outage(x));
            }
            m.put("outages", outages);
            services.add(m);
        }
        o.put("services", services);
        List<Object> slots = new ArrayList<>();
        for (Availability.SlotReport s : r.slots()) {
            slots.add(slot(s));
        }
        o.put("slots", slots);
        Map<String, Object> away = new LinkedHashMap<>();
        away.put("count", r.gapCount());
        away.put("total_s", sec(r.daemonAwayNanos()));
        List<Object> gaps = new ArrayList<>();
        for (Availability.Gap g : r.gaps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", str(g.from()));
            m.put("to", str(g.to()));
            m.put("duration_s", sec(g.nanos()));
            m.put("clean_stop", g.cleanStop());
            m.put("heartbeat_ms", g.heartbeatMillis());
            gaps.add(m);
        }
        away.put("gaps", gaps);
        o.put("had_not_running", away);
        List<Object> lost = new ArrayList<>();
        for (Availability.Lost l : r.lost()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", str(l.from()));
            m.put("to", str(l.to()));
            m.put("records", l.records());
            lost.add(m);
        }
        o.put("audit_records_lost", lost);
        return Json.write(o);
    }

    /** One outage, as the report and the fleet report write it. */
    static Map<String, Object> outage(Availability.Outage x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", str(x.start()));
        m.put("duration_s", sec(x.durationNanos()));
        m.put("unknown_s", sec(x.unknownNanos()));
        m.put("cause", x.cause());
        m.put("note", x.note());
        m.put("ongoing", x.ongoing());
        return m;
    }

    /** One slot's hot-swap counts and repairs. */
    static Map<String, Object> slot(Availability.SlotReport s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", s.slot());
        m.put("insertions", s.insertions());
        m.put("planned_extractions", s.plannedExtractions());
        m.put("surprise_removals", s.surpriseRemovals());
        m.put("unseen_removals", s.unseenRemovals());
        m.put("repairs", s.repairs());
        m.put("mttr_s", s.repairs() == 0 ? null : sec(s.repairNanos() / s.repairs()));
        return m;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
