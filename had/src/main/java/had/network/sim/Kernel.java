package had.network.sim;

import had.network.NetworkChange;

/** What the model of the driver needs from its surroundings: the instant it acts at, and where changes go. */
interface Kernel {
    /** The instant being simulated: a monitor tick's own time while ticks are replayed. */
    long now();

    void emit(NetworkChange change);

    /** Traffic lost while the switch learned a bond's new port ({@link SwitchLearning}). */
    void lost(ChangeLog.Loss loss);
}
