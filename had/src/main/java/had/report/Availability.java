package had.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Availability computed from audit records, fed one at a time in log order, holding only one
 * small state per service and per slot: the same code serves the live summary at the end of a
 * run and {@code hadctl report} over a year of files.
 *
 * <h2>Time</h2>
 * Within one daemon run (records with the same {@code run}) durations come from the monotonic
 * clock ({@code mono}), so a wall-clock step never stretches or shrinks an outage. Runs are
 * placed on one time line by wall time: a run's records sit at the wall time of its first record
 * plus their monotonic offset from it (and never before the end of the run before it).
 *
 * <h2>Unknown time</h2>
 * While had runs, a service is in the state its last {@code service.state} record said. From
 * the last record of a run (a heartbeat, or anything else: heartbeats only make sure there is a
 * recent one) to the first record of the next, had was not running; each service stays unknown
 * from then until the new run first records its state. Time after the last record, when the
 * report is asked to run later ({@code --until}), is unknown too. So is the time audit records
 * were lost (an {@code audit.lost} record: the log could not write them and had no more memory to
 * hold them): from the first lost record, each service and slot is unknown until a record says its
 * state again (had records them all once it writes again). Unknown time counts against
 * availability, as if the service had been down; the known figures are given beside it.
 *
 * <h2>What counts</h2>
 * A service counts from the first moment it was seen working (before that it was not yet in
 * service, not down); it is available while up or degraded (fewer working slaves than
 * configured), down while not up. An outage runs from the record that saw it go down to the
 * one that saw it up again, across restarts of had: the part of it had did not see is reported
 * as unknown, and an outage that began or ended while had was away says so.
 */
public final class Availability {
    /** Minutes in an average year (365.25 days), the base of "five nines = 5.26 min/year". */
    public static final double MINUTES_PER_YEAR = 525_960;
    /** Five nines: 0.001 % of a year. */
    public static final double FIVE_NINES_MINUTES = MINUTES_PER_YEAR * 1e-5;
    /** Outages and gaps listed one by one (all are counted); the rest are summed. */
    public static final int MAX_LISTED = 1000;

    /** Service states, in the order the timeline stores them. */
    public static final List<String> SERVICE_STATES = List.of("up", "degraded", "down", "unknown");
    static final int UP = 0, DEGRADED = 1, DOWN = 2, UNKNOWN = 3;
    /** Slot states, in the order the timeline stores them. */
    public static final List<String> SLOT_STATES = List.of("ACTIVE", "INSERTING", "EXTRACTING", "SAFE_TO_REMOVE",
            "EMPTY", "FAILED", "IGNORED", "UNKNOWN");
    private static final int SLOT_UNKNOWN = SLOT_STATES.size() - 1;
    /**
     * Record types whose fields matter here; of every other record only its time, run and type
     * (and a heartbeat's interval_ms) are used, so a reader may hand over just those.
     */
    public static final java.util.Set<String> FIELDS_USED = java.util.Set.of("service.state", "slot.state",
            "card.inserted", "card.removed", "extraction.requested", "slot.in-service", "port.link", "port.lost",
            "backplane.resync", "audit.lost");

    /**
     * @param durationNanos from the start to the record that saw the service working again (or to
     *                      the end of the log when {@code ongoing})
     * @param unknownNanos  how much of it had was not running to see
     * @param note          empty, or what a reader must know: ongoing, spans a restart of had, ...
     */
    public record Outage(String service, Instant start, long durationNanos, long unknownNanos, String cause,
                         String note, boolean ongoing) {}

    public record ServiceReport(String service, String kind, Instant from, long upNanos, long degradedNanos,
                                long downNanos, long unknownNanos, int outageCount, List<Outage> outages) {
        /** Time counted: from the first moment the service was seen working (in the period) to its end. */
        public long observedNanos() {
            return upNanos + degradedNanos + downNanos + unknownNanos;
        }

        /** Up or degraded over all time counted; unknown time counts as not available. */
        public double availability() {
            long all = observedNanos();
            return all == 0 ? 1.0 : (double) (upNanos + degradedNanos) / all;
        }

        /** Up or degraded over the time had saw. */
        public double knownAvailability() {
            long known = upNanos + degradedNanos + downNanos;
            return known == 0 ? 1.0 : (double) (upNanos + degradedNanos) / known;
        }

        /** Downtime per year at this rate (unknown counted as down), in minutes. */
        public double projectedMinutesPerYear() {
            return (1.0 - availability()) * MINUTES_PER_YEAR;
        }

        public boolean withinFiveNines() {
            return projectedMinutesPerYear() <= FIVE_NINES_MINUTES;
        }
    }

    /**
     * @param unseenRemovals cards gone when had started again, having been in the slot when it last looked
     * @param repairs        times the slot came back into service after its card left it
     */
    public record SlotReport(int slot, int insertions, int plannedExtractions, int surpriseRemovals,
                             int unseenRemovals, long repairs, long repairNanos) {
        public double mttrSeconds() {
            return repairs == 0 ? Double.NaN : repairNanos / 1e9 / repairs;
        }
    }

    /**
     * A time had was not running: from the last record of one run to the first of the next.
     *
     * @param cleanStop       the run before it ended with daemon.stop; else it died (crash, power)
     *                        some time after its last record
     * @param heartbeatMillis the heartbeat interval of the run before it (0: it recorded none), so
     *                        a crash happened at most that long after {@code from}
     */
    public record Gap(Instant from, Instant to, boolean cleanStop, long heartbeatMillis) {
        public long nanos() {
            return Nanos.between(from, to);
        }
    }

    /**
     * Audit records lost while had ran: {@code records} of them, recorded from {@code from} to
     * {@code to}; what they said is unknown from {@code from} on.
     */
    public record Lost(Instant from, Instant to, long records) {}

    /** Everything a report shows. */
    public record Result(Instant from, Instant to, long records, int runs, List<ServiceReport> services,
                         List<SlotReport> slots, int gapCount, List<Gap> gaps, long daemonAwayNanos,
                         List<Lost> lost, Timeline timeline) {}

    /** Why a service was not seen for a while, in an outage's words. */
    private enum Unseen {
        AWAY("had was not running", "when had started", "spans a restart of had"),
        LOST("audit records were lost", "when had could write its log again", "spans a time audit records were lost");

        final String while_;
        final String foundWhen;
        final String spans;

        Unseen(String while_, String foundWhen, String spans) {
            this.while_ = while_;
            this.foundWhen = foundWhen;
            this.spans = spans;
        }
    }

    private static final class Open {
        long start;
        long unknown;
        String cause;
        Unseen saw;
        boolean beganUnseen;
    }

    private static final class Service {
        final String name;
        String kind;
        long firstUp = Long.MIN_VALUE;
        int state = -1;
        long since;
        /** Why it is unknown, while it is. */
        Unseen unseen;
        long up, degraded, down, unknown;
        Open open;
        int outageCount;
        int failovers;
        String lastActive;
        final List<Outage> outages = new ArrayList<>();
        Timeline.Row row;

        Service(String name) {
            this.name = name;
        }
    }

    private static final class SlotStats {
        int insertions, planned, surprise, unseen;
        long leftAt = Long.MIN_VALUE, repairs, repairNanos;
        int state = -1;
        int lastKnown = -1;
        long since;
        Timeline.Row row;
    }

    private final long clipFrom;
    private final long clipTo;
    private final Instant since;
    private final Instant until;
    private final Timeline timeline;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<Integer, SlotStats> slots = new TreeMap<>();
    private final List<Gap> gaps = new ArrayList<>();
    private final List<Lost> lost = new ArrayList<>();
    private final Set<Integer> inventory = new HashSet<>();
    private int gapCount;
    private long away;
    private String lastCause;
    private String run;
    private long offset;
    private boolean inInventory;
    private boolean lastWasStop;
    private long heartbeatMillis;
    private long firstT = Long.MIN_VALUE;
    private long lastT = Long.MIN_VALUE;
    private long records;
    private int runs;

    /** Everything in the records, no timeline (the live summary). */
    public Availability() {
        this(null, null, null);
    }

    /**
     * @param since    count nothing before this (null: from the first record)
     * @param until    count nothing after this (null: to the last record); time between the last
     *                 record and a later {@code until} is unknown
     * @param timeline where to draw states over time, or null
     */
    public Availability(Instant since, Instant until, Timeline timeline) {
        this.since = since;
        this.until = until;
        this.clipFrom = since == null ? Long.MIN_VALUE : Nanos.of(since);
        this.clipTo = until == null ? Long.MAX_VALUE : Nanos.of(until);
        this.timeline = timeline;
    }

    /** One record of the audit log, as stored (the map a JSON line parses to). */
    public void accept(Map<String, Object> rec) {
        String type = String.valueOf(rec.get("type"));
        long mono = ((Number) rec.get("mono")).longValue();
        String recRun = String.valueOf(rec.get("run"));
        if (!recRun.equals(run)) {
            long wall = Nanos.of(Instant.parse(String.valueOf(rec.get("time"))));
            long start = lastT == Long.MIN_VALUE ? wall : Math.max(wall, lastT);
            if (run != null) endRun(start);
            run = recRun;
            runs++;
            offset = start - mono;
            inInventory = true;
            inventory.clear();
            lastCause = null;
            heartbeatMillis = 0;
        }
        long before = lastT;
        long t = Math.max(offset + mono, lastT);
        if (firstT == Long.MIN_VALUE) firstT = t;
        lastT = t;
        records++;
        lastWasStop = false;
        switch (type) {
            case "service.state" -> serviceState(rec, t);
            case "slot.state" -> {
                slotState(slot(rec), SLOT_STATES.indexOf(String.valueOf(rec.get("to"))), t);
                if ("FAILED".equals(rec.get("to"))) {
                    lastCause = "slot " + rec.get("slot") + " failed" + (rec.get("reason") == null ? "" : ": " + rec.get("reason"));
                }
            }
            case "card.inserted" -> {
                int n = ((Number) rec.get("slot")).intValue();
                SlotStats s = slot(rec);
                if (inInventory) inventory.add(n);
                // A card found at start-up counts only if the slot was empty when had last looked.
                if (!inInventory || s.lastKnown < 0 || s.lastKnown == SLOT_STATES.indexOf("EMPTY")) {
                    s.insertions++;
                    mark(s, n, "inserted", t);
                }
            }
            case "card.removed" -> {
                int n = ((Number) rec.get("slot")).intValue();
                SlotStats s = slot(rec);
                if (Boolean.TRUE.equals(rec.get("improper"))) {
                    s.surprise++;
                    if (s.leftAt == Long.MIN_VALUE) s.leftAt = t;
                    lastCause = "surprise removal of the card in slot " + n;
                    mark(s, n, "surprise", t);
                } else {
                    mark(s, n, "removed", t);
                }
            }
            case "extraction.requested" -> {
                if ("accepted".equals(rec.get("outcome"))) {
                    SlotStats s = slot(rec);
                    s.planned++;
                    s.leftAt = t;
                    lastCause = (Boolean.TRUE.equals(rec.get("forced")) ? "forced extraction" : "extraction")
                            + " of slot " + rec.get("slot");
                }
            }
            case "slot.in-service" -> {
                SlotStats s = slot(rec);
                if (s.leftAt != Long.MIN_VALUE) {
                    s.repairs++;
                    s.repairNanos += t - s.leftAt;
                    s.leftAt = Long.MIN_VALUE;
                }
            }
            case "port.link" -> {
                if (Boolean.FALSE.equals(rec.get("carrier"))) {
                    lastCause = "link down on slot " + rec.get("slot") + " port " + rec.get("port");
                }
            }
            case "port.lost" -> lastCause = "port " + rec.get("ifname") + " of slot " + rec.get("slot") + " lost";
            case "backplane.resync" -> {
                if (inInventory) endInventory(t);
            }
            case "daemon.heartbeat" -> {
                if (rec.get("interval_ms") instanceof Number n) heartbeatMillis = n.longValue();
            }
            case "daemon.stop" -> lastWasStop = true;
            case "audit.lost" -> lost(rec, before, t);
            default -> { }
        }
    }

    // ---- runs ---------------------------------------------------------------------------

    /** had stopped (or died) after its last record at {@code lastT}; it is back at {@code next}. */
    private void endRun(long next) {
        for (Service s : services.values()) if (s.state >= 0) unknown(s, Unseen.AWAY, lastT);
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) {
            SlotStats s = e.getValue();
            if (s.state >= 0 && s.state != SLOT_UNKNOWN) s.lastKnown = s.state;
            slotState(s, SLOT_UNKNOWN, lastT);
        }
        long a = Math.max(lastT, clipFrom), b = Math.min(next, clipTo);
        if (next > lastT) {
            gapCount++;
            if (b > a) away += b - a;
            if (gaps.size() < MAX_LISTED && b > a) {
                gaps.add(new Gap(Nanos.instant(lastT), Nanos.instant(next), lastWasStop, heartbeatMillis));
            }
        }
    }

    /**
     * The start-up inventory is over: a slot that held a card when had last looked and was not
     * found now lost its card while had was away.
     */
    private void endInventory(long t) {
        inInventory = false;
        int empty = SLOT_STATES.indexOf("EMPTY"), safe = SLOT_STATES.indexOf("SAFE_TO_REMOVE");
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) {
            SlotStats s = e.getValue();
            if (s.state != SLOT_UNKNOWN) continue;
            if (!inventory.contains(e.getKey()) && s.lastKnown >= 0 && s.lastKnown != empty && s.lastKnown != safe) {
                s.unseen++;
                mark(s, e.getKey(), "unseen", t);
                if (s.leftAt == Long.MIN_VALUE) s.leftAt = s.since;
            }
            slotState(s, empty, t);
        }
    }

    /**
     * Records were lost from {@code from_mono} (the first lost one) on; {@code t} is when had could
     * write again and said so. Every service and slot is unknown from then until recorded again.
     */
    private void lost(Map<String, Object> rec, long before, long t) {
        long from = rec.get("from_mono") instanceof Number n ? Math.min(t, Math.max(before, offset + n.longValue())) : before;
        long to = rec.get("to_mono") instanceof Number n ? Math.min(t, Math.max(from, offset + n.longValue())) : from;
        for (Service s : services.values()) if (s.state >= 0 && s.state != UNKNOWN) unknown(s, Unseen.LOST, from);
        for (SlotStats s : slots.values()) {
            if (s.state < 0 || s.state == SLOT_UNKNOWN) continue;
            s.lastKnown = s.state;
            slotState(s, SLOT_UNKNOWN, from);
        }
        if (lost.size() < MAX_LISTED && to >= clipFrom && from <= clipTo) {
            lost.add(new Lost(Nanos.instant(from), Nanos.instant(to), rec.get("records") instanceof Number n ? n.longValue() : 0));
        }
    }

    // ---- services -----------------------------------------------------------------------

    private void serviceState(Map<String, Object> rec, long t) {
        Service s = services.computeIfAbsent(String.valueOf(rec.get("service")), Service::new);
        s.kind = String.valueOf(rec.get("kind"));
        boolean up = Boolean.TRUE.equals(rec.get("up"));
        int working = rec.get("working") instanceof Number n ? n.intValue() : 0;
        int expected = rec.get("expected") instanceof Number n ? n.intValue() : working;
        int state = !up ? DOWN : working < expected ? DEGRADED : UP;
        if (rec.get("active") instanceof String active) {
            if (s.lastActive != null && !s.lastActive.equals(active)) s.failovers++;
            s.lastActive = active;
        }
        // A change noticed late (the kernel had already failed over when had looked) carries the
        // time of the event that began it: the outage starts there, not when had wrote it down.
        if (rec.get("since") instanceof Number since) t = Math.max(s.since, Math.min(t, offset + since.longValue()));
        if (s.state < 0) {
            if (!up) return;
            s.firstUp = t;
            s.state = state;
            s.since = t;
            return;
        }
        serviceTo(s, state, t, rec.get("cause") instanceof String c ? c : null);
    }

    private void unknown(Service s, Unseen why, long t) {
        serviceTo(s, UNKNOWN, t, null);
        s.unseen = why;
    }

    /** {@code cause}: what the record itself says stopped the service, when it says. */
    private void serviceTo(Service s, int state, long t, String cause) {
        int old = s.state;
        account(s, old, s.since, t);
        if (s.open != null && old == UNKNOWN) {
            s.open.unknown += t - s.since;
            s.open.saw = s.unseen;
        }
        if (state == DOWN && old != DOWN && s.open == null) {
            Open o = new Open();
            if (old == UNKNOWN) {
                o.start = s.since;
                o.unknown = t - s.since;
                o.beganUnseen = true;
                o.saw = s.unseen;
                o.cause = "unknown: began while " + s.unseen.while_ + " (found down " + s.unseen.foundWhen + ")";
            } else {
                o.start = t;
                o.cause = cause != null ? cause : lastCause == null ? "unknown" : lastCause;
            }
            s.open = o;
        } else if ((state == UP || state == DEGRADED) && s.open != null) {
            closeOutage(s, t, old == UNKNOWN ? s.unseen : null, false);
        }
        s.state = state;
        s.since = t;
    }

    /** {@code endedUnseen}: why the service was not seen when the outage ended, or null when it was. */
    private void closeOutage(Service s, long end, Unseen endedUnseen, boolean ongoing) {
        Open o = s.open;
        s.open = null;
        if (end < clipFrom || o.start > clipTo) return;
        s.outageCount++;
        if (s.outages.size() >= MAX_LISTED) return;
        List<String> notes = new ArrayList<>();
        if (ongoing) notes.add("ongoing at the end of the log");
        if (o.beganUnseen) notes.add("began while " + o.saw.while_);
        if (endedUnseen != null) {
            notes.add("ended while " + endedUnseen.while_ + ": the service was found working " + endedUnseen.foundWhen);
        } else if (o.saw != null && !o.beganUnseen) {
            notes.add(o.saw.spans);
        }
        if (o.unknown > 0) notes.add(TextReport.duration(o.unknown) + " of it unseen");
        if (o.start < clipFrom) notes.add("began before the period");
        if (end > clipTo) notes.add("ended after the period");
        s.outages.add(new Outage(s.name, Nanos.instant(o.start), end - o.start, o.unknown, o.cause,
                String.join("; ", notes), ongoing));
    }

    private void account(Service s, int state, long a, long b) {
        if (timeline != null) {
            if (s.row == null) s.row = timeline.row(s.name, s.kind, SERVICE_STATES);
            timeline.add(s.row, state, a, b);
        }
        a = Math.max(a, clipFrom);
        b = Math.min(b, clipTo);
        if (b <= a) return;
        long dt = b - a;
        switch (state) {
            case UP -> s.up += dt;
            case DEGRADED -> s.degraded += dt;
            case DOWN -> s.down += dt;
            default -> s.unknown += dt;
        }
    }

    // ---- slots --------------------------------------------------------------------------

    private SlotStats slot(Map<String, Object> rec) {
        return slots.computeIfAbsent(((Number) rec.get("slot")).intValue(), k -> new SlotStats());
    }

    private void slotState(SlotStats s, int state, long t) {
        if (state < 0) return;
        if (s.state >= 0 && timeline != null) {
            if (s.row == null) s.row = timeline.row("slot " + slotNumber(s), "slot", SLOT_STATES);
            timeline.add(s.row, s.state, s.since, t);
        }
        s.state = state;
        s.since = t;
    }

    private void mark(SlotStats s, int n, String kind, long t) {
        if (timeline == null) return;
        if (s.row == null) s.row = timeline.row("slot " + n, "slot", SLOT_STATES);
        timeline.mark(s.row, kind, t);
    }

    private int slotNumber(SlotStats s) {
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) if (e.getValue() == s) return e.getKey();
        return -1;
    }

    // ---- while had runs ------------------------------------------------------------------

    /**
     * A service as it stands at a moment of the run being fed: the time in each state so far
     * (the current state counted up to that moment), outages begun (an ongoing one counted) and
     * changes of its active slave or interface. A service not yet seen working is "never up",
     * with nothing counted (the report does not count it either).
     */
    public record LiveService(String service, String kind, String state, long upNanos, long degradedNanos,
                              long downNanos, long unknownNanos, int outages, int failovers) {}

    /** A slot's counts so far, as the report counts them. */
    public record LiveSlot(int slot, int insertions, int plannedExtractions, int surpriseRemovals) {}

    public record Live(List<LiveService> services, List<LiveSlot> slots, long records) {}

    /**
     * The figures so far, at {@code mono} on the monotonic clock of the run being fed, without
     * ending anything: a live view (metrics) may ask as often as it likes, and feeding goes on.
     */
    public Live live(long mono) {
        return liveTo(records == 0 ? 0 : Math.max(offset + mono, lastT));
    }

    /**
     * The figures up to the last record fed, not beyond: while records are held back (a log that
     * cannot write), the current state is not counted on past what is on record, so a counter
     * built from it never has to go back when the held records arrive.
     */
    public Live liveAtLastRecord() {
        return liveTo(records == 0 ? 0 : lastT);
    }

    private Live liveTo(long now) {
        List<LiveService> out = new ArrayList<>();
        for (Service s : services.values()) {
            if (s.state < 0) {
                out.add(new LiveService(s.name, s.kind, "never up", 0, 0, 0, 0, 0, 0));
                continue;
            }
            long[] t = {s.up, s.degraded, s.down, s.unknown};
            long a = Math.max(s.since, clipFrom), b = Math.min(now, clipTo);
            if (b > a) t[s.state] += b - a;
            out.add(new LiveService(s.name, s.kind, SERVICE_STATES.get(s.state), t[UP], t[DEGRADED], t[DOWN], t[UNKNOWN],
                    s.outageCount + (s.open != null ? 1 : 0), s.failovers));
        }
        List<LiveSlot> sl = new ArrayList<>();
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) {
            SlotStats s = e.getValue();
            sl.add(new LiveSlot(e.getKey(), s.insertions, s.planned, s.surprise));
        }
        return new Live(out, sl, records);
    }

    // ---- the answer ---------------------------------------------------------------------

    /** The figures once every record was fed. Call once. */
    public Result finish() {
        if (records == 0) {
            return new Result(since, until, 0, 0, List.of(), List.of(), 0, List.of(), 0, List.of(), timeline);
        }
        long end = until == null ? lastT : Math.max(Nanos.of(until), lastT);
        for (Service s : services.values()) {
            if (s.state < 0) continue;
            serviceTo(s, UNKNOWN, lastT, null);
            account(s, UNKNOWN, lastT, end);
            if (s.open != null) closeOutage(s, lastT, null, true);
        }
        for (SlotStats s : slots.values()) {
            slotState(s, SLOT_UNKNOWN, lastT);
            slotState(s, SLOT_UNKNOWN, end);
        }
        if (until != null && Nanos.of(until) > lastT) {
            gapCount++;
            away += Nanos.of(until) - Math.max(lastT, clipFrom);
            if (gaps.size() < MAX_LISTED) gaps.add(new Gap(Nanos.instant(lastT), until, lastWasStop, heartbeatMillis));
        }
        List<ServiceReport> sr = new ArrayList<>();
        for (Service s : services.values()) {
            Instant from = s.firstUp == Long.MIN_VALUE ? null : Nanos.instant(Math.max(s.firstUp, clipFrom));
            sr.add(new ServiceReport(s.name, s.kind, from, s.up, s.degraded, s.down, s.unknown, s.outageCount,
                    List.copyOf(s.outages)));
        }
        List<SlotReport> sl = new ArrayList<>();
        for (Map.Entry<Integer, SlotStats> e : slots.entrySet()) {
            SlotStats s = e.getValue();
            sl.add(new SlotReport(e.getKey(), s.insertions, s.planned, s.surprise, s.unseen, s.repairs, s.repairNanos));
        }
        Instant from = since == null || Nanos.of(since) < firstT ? Nanos.instant(firstT) : since;
        Instant to = Nanos.instant(until == null ? lastT : Math.max(Nanos.of(until), firstT));
        return new Result(from, to, records, runs, sr, sl, gapCount, List.copyOf(gaps), away, List.copyOf(lost), timeline);
    }

    /** Epoch nanoseconds: the report's one time line. */
    public static final class Nanos {
        private Nanos() {}

        public static long of(Instant i) {
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }

        public static Instant instant(long nanos) {
            return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        }

        public static long between(Instant a, Instant b) {
            return of(b) - of(a);
        }
    }
}
