package had.network.sim;

import had.network.MiiStatus;
import had.network.NetworkChange;

/** A bond's bookkeeping for one of its slaves (struct slave). */
final class SimSlave {
    final SimLink dev;
    final int originalMtu;
    MiiStatus link;
    /** Monitor periods left before a pending up or down is committed. */
    int delay;
    long lastRx;
    long lastTx;
    long lastLinkUp;
    int linkFailures;

    SimSlave(SimLink dev, int originalMtu) {
        this.dev = dev;
        this.originalMtu = originalMtu;
    }

    String name() {
        return dev.name;
    }

    /** bond_slave_is_up: the device is open and has carrier. */
    boolean deviceUp() {
        return dev.carrier();
    }

    void setLink(MiiStatus next, Kernel kernel, String bond) {
        if (next == link) return;
        MiiStatus previous = link;
        link = next;
        kernel.emit(new NetworkChange.SlaveLink(kernel.now(), bond, name(), previous, next));
    }
}
