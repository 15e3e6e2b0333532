package had.core;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.config.HotSwapPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The health of cards in service as their ports and PCIe errors show it: carrier, paths, ports
 * that flap (quarantined until quiet, or cleared by an operator) and cards that fail (ailing).
 */
final class PortHealth {
    private final ChassisCore core;

    PortHealth(ChassisCore core) {
        this.core = core;
    }

    void linkChanged(String ifname, boolean carrier, long at) {
        InterfaceIndex.Place port = core.index.portOf(ifname);
        if (port.known()) {
            core.record(AuditEvent.of("port.link").with("slot", port.slot()).with("port", port.port()).with("ifname", ifname)
                    .with("carrier", carrier));
            portChanged(port, ifname, at, "link");
        }
        if (!carrier && core.inventoryDone) for (AuditEvent e : core.services.carrierLost(ifname, at)) core.record(e);
        // A primary whose carrier is back is about to be taken again by the driver: hand over first.
        if (carrier && core.inventoryDone) core.dirty = true;
    }

    void pathChanged(BackplaneEvent.PathChanged e) {
        InterfaceIndex.Place where = core.index.placeOf(e.ifname());
        Slot owner = where.known() ? core.slots.get(where.slot()) : null;
        // A verdict on a port whose card has left service (it was on its way when the card went)
        // says nothing about a path had still uses.
        if (owner == null || !(owner.inService() || owner.comingIntoService()) || !core.paths.take(e)) return;
        Paths.Watch w = core.applied().probed().get(e.ifname());
        long held = core.paths.holdOf(e.ifname());
        core.record(AuditEvent.of("path.state").with("ifname", e.ifname()).with("slot", where.slot()).with("port", where.port())
                .with("bond", w == null ? null : w.bond()).with("up", e.up()).with("carrier", core.network.carrier(e.ifname()))
                .with("target", e.target()).with("rtt_us", e.rttNanos() / 1000)
                .with("held_ms", held == 0 ? null : held / 1_000_000)
                .with("since", e.since()).with("cause", e.up() ? null : core.paths.loss(e.ifname())));
        if (!e.up() && core.inventoryDone) {
            for (AuditEvent a : core.services.pathLost(e.ifname(), failureBegan(e, w))) core.record(a);
        }
        core.dirty = true;
        portChanged(where, e.ifname(), e.at(), "path");
    }

    /**
     * When a path found dead stopped carrying, as availability counts it: in the interval before
     * the first unanswered round (the verdict's {@code since}), so half an interval before it,
     * about halfway back to the last answered round: as likely early as late, the report's outage
     * within about half an interval of the truth either way, where the first unanswered probe
     * would always make it short.
     */
    private static long failureBegan(BackplaneEvent.PathChanged e, Paths.Watch w) {
        return w == null ? e.since() : e.since() - w.spec().intervalMs() * 1_000_000L / 2;
    }

    /**
     * A link or path change of a card's port. More than the slot's flap limit within its window
     * takes the port out of service (out of its bond, its address withdrawn, its VLANs gone) with
     * the slot's attention indicator lit, until it has been quiet for the quiet period or an
     * operator clears it. A change while quarantined starts the quiet period again.
     */
    private void portChanged(InterfaceIndex.Place at, String ifname, long when, String what) {
        Slot s = core.slots.get(at.slot());
        if (s.quarantined.containsKey(at.port())) {
            s.quarantined.put(at.port(), when);
            return;
        }
        HotSwapPolicy p = core.config.policy(s.number);
        if (p.flapLimit() == 0 || !s.inService()) return;
        ArrayDeque<Long> recent = s.changes.computeIfAbsent(at.port(), k -> new ArrayDeque<>());
        recent.addLast(when);
        long window = p.flapWindowMs() * 1_000_000L;
        while (when - recent.peekFirst() > window) recent.pollFirst();
        if (recent.size() <= p.flapLimit()) return;
        s.quarantined.put(at.port(), when);
        core.record(AuditEvent.of("port.quarantined").with("slot", s.number).with("port", at.port()).with("ifname", ifname)
                .with("changes", recent.size()).with("window_ms", p.flapWindowMs()).with("last", what)
                .with("quiet_ms", p.flapQuietMs()));
        recent.clear();
        core.indicators.attention(s, true);
        core.dirty = true;
    }

    /** Every quarantined port quiet for long enough by {@code now} back in service. */
    void releaseQuiet(long now) {
        for (Slot s : core.slots.values()) {
            for (Map.Entry<Integer, Long> q : new ArrayList<>(s.quarantined.entrySet())) {
                if (now - quietEnd(s, q.getValue()) >= 0) {
                    release(s, q.getKey(), "quiet for " + core.config.policy(s.number).flapQuietMs() + " ms");
                }
            }
        }
    }

    /** The monotonic time when the first quarantined port will have been quiet long enough, or {@code Long.MAX_VALUE}. */
    long nextQuietEnd() {
        long next = Long.MAX_VALUE;
        for (Slot s : core.slots.values()) {
            for (long last : s.quarantined.values()) if (quietEnd(s, last) - next < 0) next = quietEnd(s, last);
        }
        return next;
    }

    /** When a quarantined port of {@code s} whose last change was at {@code last} has been quiet long enough. */
    private long quietEnd(Slot s, long last) {
        return last + core.config.policy(s.number).flapQuietMs() * 1_000_000L;
    }

    /** A quarantined port back in service: quiet for long enough, or cleared by an operator. */
    private void release(Slot s, int port, String reason) {
        s.quarantined.remove(port);
        core.record(AuditEvent.of("port.released").with("slot", s.number).with("port", port)
                .with("ifname", s.ports.get(port)).with("reason", reason));
        if (s.quarantined.isEmpty() && s.ailing == null && s.state == SlotState.ACTIVE) core.indicators.attention(s, false);
        core.dirty = true;
    }

    /**
     * An operator's {@code clear}: every quarantined port of the slot back in service now, and an
     * ailing card trusted with traffic again (its error count starts over).
     */
    Outcome clear(int n, String source) {
        Slot s = core.slot(n);
        if (s.quarantined.isEmpty() && s.ailing == null) {
            return Outcome.notApplicable("no port of slot " + n + " is quarantined and its card is not ailing");
        }
        List<String> done = new ArrayList<>();
        if (s.ailing != null) {
            core.record(AuditEvent.of("card.trusted").with("slot", n).with("source", source).with("was", s.ailing));
            s.ailing = null;
            s.aer.clear();
            done.add("card trusted with traffic again");
            core.dirty = true;
        }
        int count = s.quarantined.size();
        for (int port : new ArrayList<>(s.quarantined.keySet())) release(s, port, "cleared by " + source);
        s.changes.clear();
        if (count > 0) done.add(count + (count == 1 ? " port" : " ports") + " back in service");
        if (s.quarantined.isEmpty() && s.state == SlotState.ACTIVE) core.indicators.attention(s, false);
        return Outcome.accepted(String.join("; ", done));
    }

    /**
     * PCIe AER errors of a card in service: recorded, and when they make it ailing ({@link AerRate})
     * its traffic goes to other cards (the planner keeps its ports from being any bond's active
     * slave, and out of the bonds that spread traffic, as long as another port works; the move of
     * an active slave is handed over as an extraction's is), its attention is lit and the card stays
     * powered: the operator decides (extract it, or {@code hadctl clear N}).
     */
    void aerErrors(BackplaneEvent.AerErrors e) {
        Slot s = core.slot(e.slot());
        core.record(AuditEvent.of("card.aer").with("slot", s.number).with("function", e.function().address())
                .with("correctable", e.correctable()).with("nonfatal", e.nonfatal()).with("fatal", e.fatal()));
        if (!s.inService() || s.ailing != null) return;
        String cause = s.aer.add(e, core.config.policy(s.number), core.clock.nanos());
        if (cause == null) return;
        s.ailing = cause;
        core.record(AuditEvent.of("card.ailing").with("slot", s.number).with("cause", cause));
        core.indicators.attention(s, true);
        core.dirty = true;
    }
}
