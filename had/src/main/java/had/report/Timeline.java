package had.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * States over time at a fixed resolution: the report's period cut into a fixed number of
 * buckets, each holding how long every state lasted in it and how many marks (insertions,
 * removals) fell in it. Memory depends on the number of rows and buckets, never on how many
 * records were read, so a year of a busy chassis draws as cheaply as a minute.
 */
public final class Timeline {
    private final long from;
    private final long to;
    private final int buckets;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    /** One line of the picture: a bond, a service address or a slot. */
    public static final class Row {
        public final String name;
        public final String group;
        public final List<String> states;
        private final long[] time;
        private final Map<String, int[]> marks = new LinkedHashMap<>();

        Row(String name, String group, List<String> states, int buckets) {
            this.name = name;
            this.group = group;
            this.states = states;
            this.time = new long[buckets * states.size()];
        }

        /** How long state {@code s} lasted in bucket {@code b}, in nanoseconds. */
        public long time(int b, int s) {
            return time[b * states.size() + s];
        }

        public Map<String, int[]> marks() {
            return marks;
        }
    }

    public Timeline(long fromEpochNanos, long toEpochNanos, int buckets) {
        this.from = fromEpochNanos;
        this.to = Math.max(toEpochNanos, fromEpochNanos + 1);
        this.buckets = buckets;
    }

    public long from() {
        return from;
    }

    public long to() {
        return to;
    }

    public int buckets() {
        return buckets;
    }

    public double bucketNanos() {
        return (double) (to - from) / buckets;
    }

    public List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    Row row(String name, String group, List<String> states) {
        return rows.computeIfAbsent(group + "\u0000" + name, k -> new Row(name, group, states, buckets));
    }

    /** State {@code state} of {@code row} lasted from {@code a} to {@code b} (epoch nanoseconds). */
    void add(Row row, int state, long a, long b) {
        a = Math.max(a, from);
        b = Math.min(b, to);
        if (b <= a) return;
        double w = bucketNanos();
        int first = bucketOf(a), last = Math.min(buckets - 1, (int) ((b - 1 - from) / w));
        int n = row.states.size();
        for (int i = first; i <= last; i++) {
            long bs = from + (long) (i * w), be = i == buckets - 1 ? to : from + (long) ((i + 1) * w);
            long part = Math.min(b, be) - Math.max(a, bs);
            if (part > 0) row.time[i * n + state] += part;
        }
    }

    void mark(Row row, String kind, long t) {
        if (t < from || t > to) return;
        row.marks.computeIfAbsent(kind, k -> new int[buckets])[bucketOf(t)]++;
    }

    int bucketOf(long t) {
        int b = (int) ((t - from) / bucketNanos());
        return Math.max(0, Math.min(buckets - 1, b));
    }
}
