package had.metrics;

import had.report.Availability;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The availability report's own figures, kept up to date from each record had makes durable (an
 * audit log follower), so that what Prometheus is told and what {@code hadctl report} computes
 * from the file are one computation. Fed on the thread that commits, read on a scrape's.
 */
public final class LiveAvailability implements Consumer<Map<String, Object>> {
    private final Availability availability = new Availability();

    @Override
    public synchronized void accept(Map<String, Object> record) {
        availability.accept(record);
    }

    public synchronized Availability.Live at(long mono) {
        return availability.live(mono);
    }

    public synchronized Availability.Live atLastRecord() {
        return availability.liveAtLastRecord();
    }
}
