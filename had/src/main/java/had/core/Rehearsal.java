package had.core;

import had.network.NetworkState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When had rehearses what moves a bond's active slave: the loss of a supervised active slave's
 * path ({@link Reconciliation#rehearsePathLosses}) and the planned extraction of the card that
 * carries one ({@link Extraction#rehearse}), planned and described, nothing applied, recorded or
 * remembered. A second after the bonds' active slaves last changed (a start, a card in or out, a
 * move), and not again until they change. The first real failover or handover after such a
 * change then runs code the JVM has already loaded and linked: a JVM does that on first use, and
 * on the lab's emulated controller the first failover after a start took 60 to 140 ms from the
 * verdict to the change, the next ones about 20. The quiet second keeps it out of a storm of
 * events. The core's timers run it ({@link Chassis#tick}).
 */
final class Rehearsal {
    static final long QUIET_NANOS = 1_000_000_000L;

    /** Bond -> active slave, as last rehearsed. */
    private Map<String, String> rehearsed = Map.of();
    /** The same, as last seen, while a rehearsal of it is due. */
    private Map<String, String> seen = Map.of();
    private long dueAt;
    private boolean due;
    /** What the last rehearsal planned: per active slave whose path loss it rehearsed, per slot whose extraction. */
    private Map<String, List<Action>> pathLosses = Map.of();
    private Map<Integer, List<Action>> extractions = Map.of();

    /** The bonds' active slaves as a reading shows them: bond -> active slave. */
    static Map<String, String> activeSlaves(NetworkState actual) {
        Map<String, String> out = new LinkedHashMap<>();
        for (NetworkState.Bond b : actual.bonds().values()) if (b.activeSlave() != null) out.put(b.name(), b.activeSlave());
        return out;
    }

    /** After a settle that read the network: a change of the active slaves makes one due a quiet second later. */
    void saw(Map<String, String> active, long now) {
        if (active.equals(rehearsed)) {
            due = false;
        } else if (!due || !active.equals(seen)) {
            seen = active;
            dueAt = now + QUIET_NANOS;
            due = true;
        }
    }

    boolean isDue(long now) {
        return due && now - dueAt >= 0;
    }

    /** When one is due, or {@code Long.MAX_VALUE}. */
    long nextDeadline() {
        return due ? dueAt : Long.MAX_VALUE;
    }

    /** One was run on {@code active}. */
    void done(Map<String, String> active, Map<String, List<Action>> pathLosses, Map<Integer, List<Action>> extractions) {
        rehearsed = active;
        this.pathLosses = pathLosses;
        this.extractions = extractions;
        due = false;
    }

    /** One could not be run (the network could not be read): not tried again until the active slaves change. */
    void gaveUp() {
        done(seen, Map.of(), Map.of());
    }

    Map<String, List<Action>> pathLosses() {
        return pathLosses;
    }

    Map<Integer, List<Action>> extractions() {
        return extractions;
    }
}
