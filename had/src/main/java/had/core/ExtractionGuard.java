package had.core;

import had.network.BondMode;
import had.network.NetworkState;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether taking a card's ports away would take a bond's service with them: an unforced
 * extraction is refused when a bond that works now would be left with no working port, or, in
 * 802.3ad, with fewer than its {@code min_links} (the driver then takes the bond's carrier down).
 * Bonds on the card's VLAN interfaces count like the others. Working is {@link WorkingPort}'s.
 */
final class ExtractionGuard {
    /** The bond that would lose its service, and why, in an operator's words. */
    record Refusal(String bond, String reason) {}

    private ExtractionGuard() {}

    /** @return the first bond that would lose its service, or null when the extraction may go ahead */
    static Refusal check(NetworkState actual, Collection<NetworkState.Bond> bonds, Set<String> leaving,
                         Predicate<String> deadPath) {
        for (NetworkState.Bond b : bonds) {
            if (b.slaves().stream().noneMatch(leaving::contains)) continue;
            int now = WorkingPort.countOutside(actual, b, Set.of(), deadPath);
            int after = WorkingPort.countOutside(actual, b, leaving, deadPath);
            if (after == 0 && now > 0) {
                return new Refusal(b.name(), b.name() + " would lose its last working slave");
            }
            int minLinks = b.options().minLinks();
            if (b.options().mode() == BondMode.IEEE_802_3AD && minLinks > 0 && after < minLinks && now >= minLinks) {
                return new Refusal(b.name(), b.name() + " would keep " + after + " working slave" + (after == 1 ? "" : "s")
                        + ", fewer than its min_links " + minLinks + " (the driver takes it down)");
            }
        }
        return null;
    }
}
