package had.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * One metric family being filled during a scrape: a gauge or a counter, its help text, its label
 * names, and a point per label set. Counters are named without {@code _total}: the text format
 * adds it.
 */
final class Family {
    private final boolean counter;
    private final String name;
    private final String help;
    private final Unit unit;
    private final String[] labels;
    private final List<Labels> points = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();

    private Family(boolean counter, String name, String help, Unit unit, String... labels) {
        this.counter = counter;
        this.name = name;
        this.help = help;
        this.unit = unit;
        this.labels = labels;
    }

    static Family gauge(String name, String help, String... labels) {
        return new Family(false, name, help, null, labels);
    }

    static Family gaugeSeconds(String name, String help, String... labels) {
        return new Family(false, name, help, Unit.SECONDS, labels);
    }

    static Family counter(String name, String help, String... labels) {
        return new Family(true, name, help, null, labels);
    }

    static Family counterSeconds(String name, String help, String... labels) {
        return new Family(true, name, help, Unit.SECONDS, labels);
    }

    /**
     * Label sets already made, by family and values: building one sorts and validates its names,
     * which was most of a scrape's cost. Values come from had.conf and fixed lists, so this holds
     * what the configurations had has run with can name, no more.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, Labels> MADE = new java.util.concurrent.ConcurrentHashMap<>();

    /** One point; {@code labelValues} in the order the family's label names were given. */
    Family add(double value, String... labelValues) {
        if (labelValues.length != labels.length) throw new IllegalArgumentException(name + ": label values");
        String key = labelValues.length == 0 ? name : name + '\u0000' + String.join("\u0000", labelValues);
        points.add(labelValues.length == 0 ? Labels.EMPTY : MADE.computeIfAbsent(key, k -> Labels.of(labels, labelValues)));
        values.add(value);
        return this;
    }

    Family add(boolean value, String... labelValues) {
        return add(value ? 1 : 0, labelValues);
    }

    MetricSnapshot build() {
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            if (unit != null) b.unit(unit);
            for (int i = 0; i < points.size(); i++) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(points.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) b.unit(unit);
        for (int i = 0; i < points.size(); i++) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(points.get(i)).value(values.get(i)).build());
        }
        return b.build();
    }
}
