package had.backplane;

import java.util.List;

/**
 * What the backplane tells had. Every event carries the chassis slot it concerns (0 when it
 * concerns no slot, e.g. the carrier of a bond) and the monotonic time it was observed, in
 * nanoseconds on the same clock as {@link had.time.Clock#nanos()}.
 */
public sealed interface BackplaneEvent {
    int slot();

    long at();

    /** A card is present and powered: ENUM# on insertion, or found by the start-up rescan. */
    record CardInserted(int slot, List<PciFunction> functions, long at) implements BackplaneEvent {
        public CardInserted {
            functions = List.copyOf(functions);
        }
    }

    /**
     * A card is in a powered-off slot: found so by an inventory (had powered it off before a
     * restart, or someone else did), or its functions went with its power while it stays seated.
     * The functions are those known of it (none where an unpowered card cannot be read).
     */
    record CardOff(int slot, List<PciFunction> functions, long at) implements BackplaneEvent {
        public CardOff {
            functions = List.copyOf(functions);
        }
    }

    /**
     * PCIe AER errors of one of the card's functions since its last report (the kernel's AER
     * driver counts them; the first reading after the card came, or after had started, is where
     * counting starts): correctable ones (the link retried and recovered), non-fatal and fatal
     * uncorrectable ones (the kernel's recovery reset the device or its link).
     */
    record AerErrors(int slot, PciFunction function, long correctable, long nonfatal, long fatal, long at)
            implements BackplaneEvent {}

    /** The operator opened the card's handle (or the latch): please quiesce it. */
    record ExtractionRequested(int slot, long at) implements BackplaneEvent {}

    /** The handle was closed again before the slot was powered off. */
    record ExtractionCancelled(int slot, long at) implements BackplaneEvent {}

    /** The card is gone from the slot: after a power-off, or pulled without asking (surprise). */
    record CardRemoved(int slot, long at) implements BackplaneEvent {}

    /** A network interface appeared for one of the slot's PCI functions. */
    record NetdevAdded(int slot, PciFunction function, String ifname, long at) implements BackplaneEvent {}

    /** A network interface disappeared. */
    record NetdevRemoved(int slot, String ifname, long at) implements BackplaneEvent {}

    /** Carrier of an interface changed (slot 0 for interfaces not on a card, such as bonds). */
    record LinkChanged(int slot, String ifname, boolean carrier, long at) implements BackplaneEvent {}

    /**
     * A verdict on a port's path ({@link PathProbes}): frames get through it ({@code up}) or they
     * stopped getting through, whatever its carrier says. {@code since}: when the verdict began to
     * be true on the same clock as {@code at} (down: the first unanswered probe; up: the first
     * answer of the run). {@code target}: the target that answered last (down: the one that
     * answered last before the loss). {@code rttNanos}: the last answer's round-trip time, 0 if none.
     */
    record PathChanged(int slot, String ifname, boolean up, String target, long rttNanos, long since, long at)
            implements BackplaneEvent {}

    /**
     * Marks the end of an inventory: the adapter has just reported (again) every card and
     * interface present, at start-up or after it lost events (a netlink overflow). Slots missing
     * from {@code occupied} are empty now, whatever was reported before; the consumer reconciles.
     */
    record Resync(java.util.Set<Integer> occupied, long at) implements BackplaneEvent {
        public Resync {
            occupied = java.util.Set.copyOf(occupied);
        }

        @Override
        public int slot() {
            return 0;
        }
    }
}
