package had.config;

import had.backplane.PciId;
import java.util.List;
import java.util.Optional;

/**
 * /etc/pcidrivers.conf: which kernel module drives which card. An entry with subsystem ids is
 * more specific than one without and wins over it.
 */
public record DriverTable(List<Entry> entries) {
    public DriverTable {
        entries = List.copyOf(entries);
    }

    /** {@code id.subVendor() == PciId.ANY} in an entry matches any subsystem. */
    public record Entry(PciId id, String module, int line) {
        boolean matches(PciId card) {
            return id.covers(card);
        }

        boolean specific() {
            return id.subVendor() != PciId.ANY;
        }
    }

    public Optional<String> moduleFor(PciId card) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.matches(card) && (best == null || (e.specific() && !best.specific()))) best = e;
        }
        return Optional.ofNullable(best).map(Entry::module);
    }
}
