package had.network.sim;

import had.network.BondMode;
import had.network.MiiStatus;

/**
 * One run of the ARP monitor, at the level the daemon needs: a slave works while ARP answers from
 * the targets come back through it. Each run first judges every slave by when it last heard an
 * answer (bond_ab_arp_inspect / bond_loadbalance_arp_mon), commits, then sends the next probes;
 * answers to a probe arrive before the next run if the slave has carrier and its path is reachable.
 *
 * <p>Windows, in arp_interval periods, as the driver's bond_time_in_interval: a slave that is not
 * up comes up once it heard within 1 period (+1/2); an active slave (or any slave in the balance
 * modes) goes down once it has neither sent nor heard for arp_missed_max periods (+1/2); a backup
 * after one period more. A slave just made active or enslaved gets 2 periods of grace.
 *
 * <p>Simplifications: every slave with carrier hears the targets (or the active slave's probes,
 * which the switch floods) whenever its path is reachable, whatever arp_validate says; and when no
 * slave is active, all slaves probe together instead of one after the other.
 */
final class ArpMonitor {
    private ArpMonitor() {
    }

    static void run(SimBond b) {
        long now = b.kernel.now();
        long period = b.params.arpInterval * 1_000_000L;
        int missed = DriverParams.ARP_MISSED_MAX;
        boolean activeBackup = b.mode() == BondMode.ACTIVE_BACKUP;
        boolean failover = false;
        for (SimSlave s : b.slaves) {
            MiiStatus next = null;
            if (s.link != MiiStatus.UP) {
                if (heardWithin(now, s.lastRx, 1, period) && (activeBackup || heardWithin(now, s.lastTx, 1, period))) {
                    next = MiiStatus.UP;
                }
            } else if (!activeBackup || s == b.active) {
                if (!(activeBackup && heardWithin(now, s.lastLinkUp, 2, period))
                        && (!heardWithin(now, s.lastTx, missed, period) || !heardWithin(now, s.lastRx, missed, period))) {
                    next = MiiStatus.DOWN;
                }
            } else if (!heardWithin(now, s.lastLinkUp, 2, period) && !heardWithin(now, s.lastRx, missed + 1, period)) {
                next = MiiStatus.DOWN;
            }
            if (next == null) continue;
            s.setLink(next, b.kernel, b.name);
            if (next == MiiStatus.UP) {
                s.lastLinkUp = now;
                failover |= b.active == null || s == b.primary;
            } else {
                s.linkFailures++;
                failover |= s == b.active;
            }
        }
        if (failover) b.selectActive();
        b.updateCarrier();
        probe(b, now);
    }

    private static void probe(SimBond b, long now) {
        boolean hasTargets = !b.params.arpTargets.isEmpty();
        for (SimSlave s : b.slaves) {
            if (!s.deviceUp()) continue;
            s.lastTx = now;
            if (hasTargets && s.dev.reachable()) s.lastRx = now;
        }
    }

    /** bond_time_in_interval: now lies within [last - period, last + mod*period + period/2]. */
    private static boolean heardWithin(long now, long last, int mod, long period) {
        return now >= last - period && now <= last + mod * period + period / 2;
    }
}
