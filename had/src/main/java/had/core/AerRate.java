package had.core;

import had.backplane.BackplaneEvent;
import had.config.HotSwapPolicy;
import java.util.ArrayDeque;

/**
 * When a card's PCIe AER errors make it ailing (had/doc/slot-states.md): any uncorrectable error
 * (non-fatal or fatal: the kernel had to reset the device or its link) at once; correctable ones
 * (the link retried and recovered) when more than the slot's {@code aer_limit} came within its
 * {@code aer_window}: a link that needs retries that often is one that is wearing out.
 */
final class AerRate {
    /** The correctable errors still in the window: {monotonic ns, count}, oldest first. */
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();

    /** The cause that makes the card ailing now that {@code e} came, or null. */
    String add(BackplaneEvent.AerErrors e, HotSwapPolicy policy, long now) {
        String fn = e.function().address();
        if (e.nonfatal() > 0 || e.fatal() > 0) {
            return "uncorrectable PCIe errors on " + fn + " (" + e.nonfatal() + " non-fatal, " + e.fatal() + " fatal)";
        }
        if (e.correctable() == 0 || policy.aerLimit() == 0) return null;
        long window = policy.aerWindowMs() * 1_000_000L;
        recent.addLast(new long[] {now, e.correctable()});
        while (now - recent.peekFirst()[0] > window) recent.removeFirst();
        long sum = 0;
        for (long[] r : recent) sum += r[1];
        if (sum <= policy.aerLimit()) return null;
        return sum + " correctable PCIe errors within " + policy.aerWindowMs() + " ms on " + fn + " (aer_limit "
                + policy.aerLimit() + ")";
    }

    void clear() {
        recent.clear();
    }
}
