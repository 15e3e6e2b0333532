package had.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The live figures the metrics serve: the current state counted up to the moment asked, or, while
 * records are held back, only up to the last one on record, so that the held ones, when they
 * arrive, never take downtime back.
 */
class AvailabilityLiveTest {
    private static Map<String, Object> rec(String type, double at, Object... fields) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", type);
        m.put("time", "2026-03-01T00:00:00Z");
        m.put("mono", (long) 0);
        m.put("run", "r1");
        if (type.equals("service.state") || at > 0) m.put("mono", (long) (at * 1e9));
        for (int i = 0; i < fields.length; i += 2) m.put((String) fields[i], fields[i + 1]);
        return m;
    }

    private static Map<String, Object> bond(double at, boolean up, double since) {
        return rec("service.state", at, "service", "bond0", "kind", "bond", "up", up, "working", up ? 2 : 0, "expected", 2,
                "active", up ? "eth0" : null, "since", (long) (since * 1e9));
    }

    @Test
    void heldRecordsNeverTakeDowntimeBack() {
        Availability a = new Availability();
        a.accept(rec("daemon.start", 0.001));
        a.accept(bond(1, true, 1));
        a.accept(bond(10, false, 10));
        // Asked at 30 s: down since 10 s, counted to the moment asked.
        assertEquals(20.0, a.live(30_000_000_000L).services().get(0).downNanos() / 1e9, 1e-9);
        // The log is behind: counted only to the last record on disk (10 s).
        double behind = a.liveAtLastRecord().services().get(0).downNanos() / 1e9;
        assertEquals(0.0, behind, 1e-9);
        // The held record arrives: the bond was up again at 12 s. No figure served while behind was more.
        a.accept(bond(12.5, true, 12));
        double after = a.live(31_000_000_000L).services().get(0).downNanos() / 1e9;
        assertEquals(2.0, after, 1e-9);
        assertEquals(1, a.live(31_000_000_000L).services().get(0).outages());
    }
}
