package had.network.sim;

/**
 * What a bond's active-slave change costs in traffic: the switch keeps sending the bond's frames
 * to the old port until it learns the new one.
 *
 * <p>In Linux 6.1 (drivers/net/bonding/bond_main.c), releasing the active slave picks a successor
 * at once: __bond_release_one calls bond_change_active_slave(bond, NULL), then
 * bond_select_active_slave, under RTNL, so the bond itself is never seen without an active slave.
 * bond_change_active_slave sends the gratuitous ARP (NETDEV_NOTIFY_PEERS) from the new active
 * slave; the switch moves the MAC when that reaches it. Until then frames still arrive on the old
 * port, and in active-backup an inactive slave passes them to the bond only with
 * all_slaves_active set (bond_should_deliver_exact_match); a released port passes nothing. So a
 * handover that keeps the old port enslaved with all_slaves_active until the switch has learned
 * costs nothing, and releasing the active slave, or releasing it or clearing all_slaves_active too
 * soon after a handover, loses what the switch sends to it meanwhile. The time the switch takes is
 * this model's assumption, {@link #LEARN_NANOS}; a link that goes down is not counted (the switch
 * flushes the port's addresses when its link drops).
 */
final class SwitchLearning {
    /** From the change of active slave until the switch forwards to the new one. */
    static final long LEARN_NANOS = 50_000_000L;

    private final SimBond bond;
    private SimSlave stale;
    private long until;
    private boolean counted;

    SwitchLearning(SimBond bond) {
        this.bond = bond;
    }

    /** The active slave moves away from {@code old} now. */
    void activeChanged(SimSlave old, long now) {
        if (old == null) return;
        stale = old;
        until = now + LEARN_NANOS;
        counted = false;
        check(now);
    }

    /** {@code s} leaves the bond now. */
    void released(SimSlave s, long now) {
        if (s == stale) check(now);
    }

    /** all_slaves_active was switched off now. */
    void allSlavesActiveOff(long now) {
        if (stale != null) check(now);
    }

    private void check(long now) {
        if (counted || stale == null || now - until >= 0 || delivers(stale)) return;
        counted = true;
        ChangeLog.Loss.Where where = bond.slaves.contains(stale) ? ChangeLog.Loss.Where.BACKUP : ChangeLog.Loss.Where.RELEASED;
        bond.kernel.lost(new ChangeLog.Loss(bond.name, stale.name(), now, until, where));
    }

    private boolean delivers(SimSlave s) {
        return bond.slaves.contains(s) && bond.allSlavesActive && s.deviceUp() && s.dev.carrier();
    }
}
