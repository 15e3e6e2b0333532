package had.network;

/**
 * Something the bonding driver changed on its own or because it was told to: what the daemon
 * audits. {@code nanos} is the {@link had.time.Clock#nanos()} instant the change took effect.
 */
public sealed interface NetworkChange {
    long nanos();

    String bond();

    /** The bond's carrier: whether traffic can flow through it at all. */
    record BondCarrier(long nanos, String bond, boolean up) implements NetworkChange {
    }

    /** The active slave moved; either side may be null (no active slave). */
    record ActiveSlave(long nanos, String bond, String previous, String current) implements NetworkChange {
    }

    /** The bond's own view of a slave moved between MII states. */
    record SlaveLink(long nanos, String bond, String slave, MiiStatus previous, MiiStatus current)
            implements NetworkChange {
    }

    /** A slave joined the bond, in the given state. */
    record SlaveAdded(long nanos, String bond, String slave, MiiStatus status) implements NetworkChange {
    }

    /** A slave left the bond (released, or its device vanished). */
    record SlaveRemoved(long nanos, String bond, String slave, MiiStatus lastStatus) implements NetworkChange {
    }
}
