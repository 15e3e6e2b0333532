package had.metrics;

import had.core.BondView;
import had.core.SlotView;
import java.util.List;

/**
 * The core's state as one scrape shows it, read on the core's thread in one turn, so that every
 * figure of a scrape describes the same moment. {@code lagNanos}: how long the request waited for
 * the event loop; {@code mono}: the monotonic clock when it was read.
 */
public record CoreView(List<SlotView> slots, List<BondView> bonds, long lagNanos, long mono) {
    /** Reads the core on its thread; completes exceptionally when the loop does not run it. */
    public interface Reader {
        java.util.concurrent.CompletableFuture<CoreView> read();
    }
}
