package had.network.sim;

import had.network.BondMode;
import had.network.MiiStatus;

/**
 * One run of the MII monitor (bond_mii_monitor): inspect every slave's carrier, then commit what
 * changed. A slave that loses carrier goes "going down" and is declared down once downdelay
 * periods have passed; one that regains it goes "going back" and is declared up after updelay
 * periods, except that a bond with nothing working takes the first such slave at once.
 */
final class MiiMonitor {
    private MiiMonitor() {
    }

    static void run(SimBond b) {
        boolean ignoreUpdelay = nothingUsable(b);
        boolean failover = false;
        for (SimSlave s : b.slaves) {
            boolean carrier = s.deviceUp();
            MiiStatus next = null;
            switch (s.link) {
                case UP, FAIL -> {
                    if (s.link == MiiStatus.UP) {
                        if (carrier) continue;
                        s.delay = b.params.downdelayTicks;
                        next = MiiStatus.FAIL;
                    }
                    if (carrier) {
                        next = MiiStatus.UP; // recovered before downdelay ran out
                    } else if (s.delay <= 0) {
                        next = MiiStatus.DOWN;
                    } else {
                        s.delay--;
                    }
                }
                case DOWN, BACK -> {
                    if (s.link == MiiStatus.DOWN) {
                        if (!carrier) continue;
                        s.delay = b.params.updelayTicks;
                        next = MiiStatus.BACK;
                    }
                    if (!carrier) {
                        next = MiiStatus.DOWN;
                    } else {
                        if (ignoreUpdelay) s.delay = 0;
                        if (s.delay <= 0) {
                            next = MiiStatus.UP;
                            ignoreUpdelay = false;
                        } else {
                            s.delay--;
                        }
                    }
                }
            }
            if (next == null || next == s.link) continue;
            failover |= commit(b, s, next);
        }
        if (failover) b.selectActive();
        b.updateCarrier();
    }

    /** bond_miimon_commit for one slave; true when the active slave must be chosen again. */
    private static boolean commit(SimBond b, SimSlave s, MiiStatus next) {
        s.setLink(next, b.kernel, b.name);
        if (next == MiiStatus.UP) {
            s.lastLinkUp = b.kernel.now();
            return b.active == null || s == b.primary;
        }
        if (next == MiiStatus.DOWN) {
            s.linkFailures++;
            return s == b.active;
        }
        return false;
    }

    /**
     * ignore_updelay: in active-backup, no active slave; in the modes that keep a list of usable
     * slaves (xor, 802.3ad, tlb), that list is empty. balance-rr, broadcast and alb keep none.
     */
    private static boolean nothingUsable(SimBond b) {
        BondMode m = b.mode();
        if (m == BondMode.ACTIVE_BACKUP) return b.active == null;
        if (m == BondMode.BALANCE_XOR || m == BondMode.IEEE_802_3AD || m == BondMode.BALANCE_TLB) {
            for (SimSlave s : b.slaves) if (s.link == MiiStatus.UP) return false;
            return true;
        }
        return false;
    }
}
