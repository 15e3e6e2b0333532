package had.network.sim;

import had.network.MiiStatus;
import had.network.NetworkChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change the model made, in order, and answers about a bond over an interval computed by
 * replaying them: what availability reports need ("at least one working slave at every instant",
 * "how long without one"). Changes that share an instant are taken together: a slave that is
 * released while another becomes active in the same step leaves no gap.
 *
 * <p>Bounded, for a simulated chassis that runs for days: beyond {@link #HELD} x 2 changes the
 * oldest are folded into the state they leave behind (so intervals still replay from the right
 * slaves), and beyond {@link #HELD} x 2 losses or announcements the oldest are dropped. Questions
 * about the last {@link #HELD} of each are answered exactly.
 */
public final class ChangeLog {
    static final int HELD = 10_000;
    private final List<NetworkChange> changes = new ArrayList<>();
    /** Each bond's slaves and their MII state before the oldest change held. */
    private final Map<String, Map<String, MiiStatus>> base = new LinkedHashMap<>();
    private final List<Loss> losses = new ArrayList<>();

    /** Traffic the switch sent to {@code port} of {@code bond} in [from, until) that nothing received. */
    public record Loss(String bond, String port, long from, long until, Where where) {
        public enum Where {
            /** the port had left the bond (released, or the active slave released without a handover) */
            RELEASED,
            /** the port was a backup slave that drops what it receives (all_slaves_active off, or down) */
            BACKUP
        }
    }

    /** A gratuitous ARP had sent for {@code bond} out of its slave {@code via} at {@code nanos}. */
    public record Announcement(long nanos, String bond, String via) {
    }

    private final List<Announcement> announcements = new ArrayList<>();

    synchronized void announced(Announcement a) {
        announcements.add(a);
        overflow(announcements).clear();
    }

    public synchronized List<Announcement> announcements(String bond) {
        return announcements.stream().filter(a -> a.bond().equals(bond)).toList();
    }

    /** The oldest entries beyond the last {@link #HELD}, once there are twice as many (a view: clear it). */
    private static <T> List<T> overflow(List<T> list) {
        return list.size() > 2 * HELD ? list.subList(0, list.size() - HELD) : list.subList(0, 0);
    }

    synchronized void add(NetworkChange change) {
        changes.add(change);
        List<NetworkChange> old = overflow(changes);
        for (NetworkChange c : old) apply(base.computeIfAbsent(c.bond(), b -> new LinkedHashMap<>()), c);
        old.clear();
    }

    synchronized void lost(Loss loss) {
        losses.add(loss);
        overflow(losses).clear();
    }

    public synchronized List<Loss> losses(String bond) {
        return losses.stream().filter(l -> l.bond().equals(bond)).toList();
    }

    /** How long within [from, to] traffic to {@code bond} was lost on a port it had just left, in nanoseconds. */
    public synchronized long nanosTrafficLost(String bond, long from, long to) {
        long sum = 0;
        long covered = from;
        List<Loss> mine = new ArrayList<>(losses(bond));
        mine.sort(java.util.Comparator.comparingLong(Loss::from));
        for (Loss l : mine) {
            long a = Math.max(Math.max(l.from(), covered), from), b = Math.min(l.until(), to);
            if (b > a) {
                sum += b - a;
                covered = b;
            }
        }
        return sum;
    }

    /**
     * Whether the switch is still learning where {@code bond}'s frames go at {@code now}: its active
     * slave changed less than {@link SwitchLearning#LEARN_NANOS} ago. A test that asks whether an
     * action cost traffic starts once this is false, or it blames the action for the change before.
     */
    public synchronized boolean switchLearning(String bond, long now) {
        for (NetworkChange c : changes) {
            if (c instanceof NetworkChange.ActiveSlave a && a.bond().equals(bond)
                    && now - a.nanos() < SwitchLearning.LEARN_NANOS) return true;
        }
        return false;
    }

    public synchronized List<NetworkChange> all() {
        return List.copyOf(changes);
    }

    public synchronized List<NetworkChange> of(String bond) {
        return changes.stream().filter(c -> c.bond().equals(bond)).toList();
    }

    /** The fewest working slaves {@code bond} had at any instant of [from, to]. */
    public synchronized int minWorkingSlaves(String bond, long from, long to) {
        int[] min = {Integer.MAX_VALUE};
        replay(bond, from, to, (count, start, end) -> min[0] = Math.min(min[0], count));
        return min[0];
    }

    /** How long within [from, to] {@code bond} had no working slave, in nanoseconds. */
    public synchronized long nanosWithoutWorkingSlave(String bond, long from, long to) {
        long[] sum = {0};
        replay(bond, from, to, (count, start, end) -> {
            if (count == 0) sum[0] += end - start;
        });
        return sum[0];
    }

    private interface Span {
        void accept(int working, long start, long end);
    }

    /** Feeds {@code span} the working-slave count over consecutive pieces of [from, to]. */
    private void replay(String bond, long from, long to, Span span) {
        Map<String, MiiStatus> slaves = new LinkedHashMap<>(base.getOrDefault(bond, Map.of()));
        long start = from;
        int i = 0;
        List<NetworkChange> mine = of(bond);
        while (i < mine.size() && mine.get(i).nanos() <= from) apply(slaves, mine.get(i++));
        while (i < mine.size() && mine.get(i).nanos() <= to) {
            long at = mine.get(i).nanos();
            span.accept(working(slaves), start, at);
            while (i < mine.size() && mine.get(i).nanos() == at) apply(slaves, mine.get(i++));
            start = at;
        }
        span.accept(working(slaves), start, to);
    }

    private static void apply(Map<String, MiiStatus> slaves, NetworkChange c) {
        if (c instanceof NetworkChange.SlaveAdded a) slaves.put(a.slave(), a.status());
        else if (c instanceof NetworkChange.SlaveLink l) slaves.put(l.slave(), l.current());
        else if (c instanceof NetworkChange.SlaveRemoved r) slaves.remove(r.slave());
    }

    private static int working(Map<String, MiiStatus> slaves) {
        int n = 0;
        for (MiiStatus s : slaves.values()) if (s.working()) n++;
        return n;
    }
}
