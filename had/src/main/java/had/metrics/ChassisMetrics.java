package had.metrics;

import had.audit.AuditLog;
import had.backplane.PathState;
import had.core.BondView;
import had.core.SlotState;
import had.core.SlotView;
import had.report.Availability;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * had's metrics, built at each scrape from their owners (had/doc/metrics.md): the core's slots
 * and bonds, read on the core's thread in one turn; availability from the report's own
 * computation over the records made durable; the audit log's writes; reloads. Label values come
 * from had.conf (bonds, interfaces, slots, addresses) or from fixed lists (states), never from
 * what the network sends, so no label grows without bound.
 */
public final class ChassisMetrics implements MultiCollector {
    /** How long a scrape waits for the event loop before it fails (Prometheus then sees the target down). */
    static final long CORE_WAIT_MS = 2_000;

    private final CoreView.Reader core;
    private final LiveAvailability availability;
    private final AuditLog audit;
    private final LongSupplier reloadsApplied;
    private final LongSupplier reloadsRefused;
    private final String version;
    /**
     * The downtime last served per service: a change had notices late is dated back to when it
     * began, so an outage can end a few milliseconds before a scrape that already counted them;
     * a counter must not go back, so it holds until the computation passes it again.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Double> served = new java.util.concurrent.ConcurrentHashMap<>();

    public ChassisMetrics(CoreView.Reader core, LiveAvailability availability, AuditLog audit,
                          LongSupplier reloadsApplied, LongSupplier reloadsRefused, String version) {
        this.core = core;
        this.availability = availability;
        this.audit = audit;
        this.reloadsApplied = reloadsApplied;
        this.reloadsRefused = reloadsRefused;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        CoreView v = read();
        // While the log holds records back, the figures stop at the last one on disk: the held
        // ones may end an outage earlier than the scrape's moment.
        Availability.Live live = audit.health().state() == AuditLog.Health.State.WRITING
                ? availability.at(v.mono()) : availability.atLastRecord();
        List<MetricSnapshot> out = new ArrayList<>();
        bonds(v.bonds(), live, out);
        addresses(live, out);
        slots(v.slots(), live, out);
        self(v, out);
        return new MetricSnapshots(out);
    }

    private CoreView read() {
        try {
            return core.read().get(CORE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("had's event loop did not answer within " + CORE_WAIT_MS + " ms");
        } catch (ExecutionException e) {
            throw new IllegalStateException("had's event loop refused the scrape: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    // ---- bonds and their slaves ----------------------------------------------------------

    private void bonds(List<BondView> bonds, Availability.Live live, List<MetricSnapshot> out) {
        Family up = Family.gauge("had_bond_up", "1 when the bond carries traffic (had's one definition of a working port).", "bond");
        Family working = Family.gauge("had_bond_working_slaves", "Slaves that work: enslaved, MII up, carrier, path not dead.", "bond");
        Family expected = Family.gauge("had_bond_expected_slaves", "Slaves had.conf gives the bond; fewer working is degraded.", "bond");
        Family active = Family.gauge("had_bond_active_slave", "1 for the bond's active slave (modes that have one).", "bond", "slave");
        Family failovers = Family.counter("had_bond_failovers", "Changes of the bond's active slave, as recorded in the audit log.", "bond");
        Family down = Family.counterSeconds("had_bond_downtime_seconds",
                "Time the bond did not carry traffic, as the availability report counts it (unknown time counts as down).", "bond");
        Family outages = Family.counter("had_bond_outages", "Outages begun (an ongoing one counts).", "bond");
        Family carrier = Family.gauge("had_slave_carrier", "1 when the slave's link has carrier.", "bond", "slave");
        Family mii = Family.gauge("had_slave_mii_up", "1 when the bonding driver counts the slave up (MII or ARP).", "bond", "slave");
        Family slaveWorking = Family.gauge("had_slave_working", "1 when the slave works (had's one definition).", "bond", "slave");
        Family inBond = Family.gauge("had_slave_in_bond", "0 while had keeps the slave out of its bond (dead path, quarantine).", "bond", "slave");
        Family path = Family.gauge("had_slave_path_up", "1 when the slave's path answers its probes, 0 when lost (supervised bonds only).", "bond", "slave");
        Family rtt = Family.gaugeSeconds("had_slave_path_rtt_seconds", "Round-trip time of the last answered probe.", "bond", "slave");
        Family info = Family.gauge("had_slave_info", "The card slot and port of a slave.", "bond", "slave", "slot", "port");
        Map<String, Availability.LiveService> byName = services(live, "bond");
        for (BondView b : bonds) {
            up.add(b.up(), b.name());
            working.add(b.working(), b.name());
            expected.add(b.expected(), b.name());
            if (b.activeSlave() != null) active.add(1, b.name(), b.activeSlave());
            Availability.LiveService s = byName.get(b.name());
            failovers.add(s == null ? 0 : s.failovers(), b.name());
            down.add(s == null ? 0 : downtime(s), b.name());
            outages.add(s == null ? 0 : s.outages(), b.name());
            for (BondView.SlaveView sv : b.slaves()) {
                carrier.add(sv.carrier(), b.name(), sv.ifname());
                mii.add(sv.bondUp(), b.name(), sv.ifname());
                slaveWorking.add(sv.working(), b.name(), sv.ifname());
                inBond.add(sv.enslaved(), b.name(), sv.ifname());
                if (sv.path() != null && sv.path() != PathState.UNKNOWN) path.add(sv.path() == PathState.UP, b.name(), sv.ifname());
                if (sv.rttNanos() > 0) rtt.add(sv.rttNanos() / 1e9, b.name(), sv.ifname());
                if (sv.slot() > 0) info.add(1, b.name(), sv.ifname(), String.valueOf(sv.slot()), String.valueOf(sv.port()));
            }
        }
        for (Family f : List.of(up, working, expected, active, failovers, down, outages, carrier, mii, slaveWorking, inBond,
                path, rtt, info)) {
            out.add(f.build());
        }
    }

    /** Plain service addresses (a port's own address, no bond). */
    private void addresses(Availability.Live live, List<MetricSnapshot> out) {
        Family up = Family.gauge("had_address_up", "1 when the service address is on a port with carrier.", "address");
        Family down = Family.counterSeconds("had_address_downtime_seconds",
                "Time the address was not served, as the availability report counts it.", "address");
        Family outages = Family.counter("had_address_outages", "Outages begun (an ongoing one counts).", "address");
        for (Availability.LiveService s : services(live, "address").values()) {
            up.add(s.state().equals("up") || s.state().equals("degraded"), s.service());
            down.add(downtime(s), s.service());
            outages.add(s.outages(), s.service());
        }
        out.add(up.build());
        out.add(down.build());
        out.add(outages.build());
    }

    /** Down and unknown time, in seconds, never less than what was served before. */
    private double downtime(Availability.LiveService s) {
        double now = (s.downNanos() + s.unknownNanos()) / 1e9;
        return served.merge(s.kind() + ' ' + s.service(), now, Math::max);
    }

    private static Map<String, Availability.LiveService> services(Availability.Live live, String kind) {
        Map<String, Availability.LiveService> m = new java.util.LinkedHashMap<>();
        for (Availability.LiveService s : live.services()) if (kind.equals(s.kind())) m.put(s.service(), s);
        return m;
    }

    // ---- slots --------------------------------------------------------------------------

    private static void slots(List<SlotView> slots, Availability.Live live, List<MetricSnapshot> out) {
        Family state = Family.gauge("had_slot_state", "1 for the slot's state (one series per state).", "slot", "state");
        Family led = Family.gauge("had_slot_led", "1 while the blue hot-swap LED is lit (safe to remove).", "slot");
        Family attention = Family.gauge("had_slot_attention", "1 while the attention indicator is lit.", "slot");
        Family ailing = Family.gauge("had_slot_ailing", "1 while the card is ailing (PCIe errors): traffic moved off it.", "slot");
        Family quarantined = Family.gauge("had_slot_quarantined_ports", "Ports of the card quarantined for flapping.", "slot");
        Family insertions = Family.counter("had_slot_insertions", "Cards inserted, as the availability report counts them.", "slot");
        Family planned = Family.counter("had_slot_planned_extractions", "Extractions accepted.", "slot");
        Family surprise = Family.counter("had_slot_surprise_removals", "Cards pulled without being safe to remove.", "slot");
        Map<Integer, Availability.LiveSlot> counts = new java.util.HashMap<>();
        for (Availability.LiveSlot s : live.slots()) counts.put(s.slot(), s);
        for (SlotView s : slots) {
            String n = String.valueOf(s.slot());
            for (SlotState st : SlotState.values()) state.add(s.state() == st, n, st.name());
            led.add(s.led(), n);
            attention.add(s.attention(), n);
            ailing.add(s.ailing() != null, n);
            quarantined.add(s.quarantined().size(), n);
            Availability.LiveSlot c = counts.get(s.slot());
            insertions.add(c == null ? 0 : c.insertions(), n);
            planned.add(c == null ? 0 : c.plannedExtractions(), n);
            surprise.add(c == null ? 0 : c.surpriseRemovals(), n);
        }
        for (Family f : List.of(state, led, attention, ailing, quarantined, insertions, planned, surprise)) out.add(f.build());
    }

    // ---- had itself ---------------------------------------------------------------------

    private void self(CoreView v, List<MetricSnapshot> out) {
        AuditLog.Written w = audit.written();
        AuditLog.Health h = audit.health();
        out.add(Family.gauge("had_build_info", "had's version.", "version").add(1, version).build());
        out.add(Family.counter("had_audit_records", "Audit records written and forced to disk by this run.").add(w.records()).build());
        out.add(Family.counter("had_audit_fsyncs", "fsyncs of the audit log by this run (records share one per group).").add(w.syncs()).build());
        out.add(Family.counterSeconds("had_audit_fsync_seconds", "Time spent in the audit log's fsyncs.").add(w.syncNanos() / 1e9).build());
        out.add(Family.gauge("had_audit_held_records", "Records held in memory because the disk refused them.").add(h.heldRecords()).build());
        out.add(Family.counter("had_audit_lost_records", "Records neither written nor held (counted by audit.lost records).").add(h.lostRecords()).build());
        out.add(Family.gauge("had_audit_behind", "1 while the audit log cannot write (records held or lost).").add(h.state() != AuditLog.Health.State.WRITING).build());
        out.add(Family.gaugeSeconds("had_event_loop_lag_seconds", "How long this scrape's request waited for had's event loop.")
                .add(v.lagNanos() / 1e9).build());
        out.add(Family.counter("had_reloads", "Configuration reloads, by result.", "result")
                .add(reloadsApplied.getAsLong(), "applied").add(reloadsRefused.getAsLong(), "refused").build());
    }
}
