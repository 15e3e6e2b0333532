package had.network.sim;

import had.network.BondMode;
import had.network.BondOptions;
import had.network.MiiStatus;
import had.network.NetworkChange;
import had.network.NetworkException;
import had.network.NetworkState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bond as the bonding driver of Linux 6.1 keeps it: its slaves in enslavement order, their MII
 * states, the active and primary slave, the carrier, and when its monitors run next. The rules
 * follow bond_main.c (enslave, release, active slave selection, carrier); the monitors live in
 * {@link MiiMonitor} and {@link ArpMonitor}, option writes in {@link DriverOptions}.
 */
final class SimBond {
    static final long NEVER = Long.MAX_VALUE;

    final String name;
    final Kernel kernel;
    final DriverParams params = new DriverParams();
    final List<SimSlave> slaves = new ArrayList<>();
    SimLink dev;
    SimSlave active;
    SimSlave primary;
    /** Set when the primary is (re)named: the next selection takes it whatever primary_reselect says. */
    boolean forcePrimary;
    /** all_slaves_active: whether an inactive slave passes what it receives to the bond. */
    boolean allSlavesActive;
    final SwitchLearning learning = new SwitchLearning(this);
    boolean carrierOn;
    long miiNext = NEVER;
    long arpNext = NEVER;

    SimBond(String name, Kernel kernel) {
        this.name = name;
        this.kernel = kernel;
    }

    BondMode mode() {
        return params.mode;
    }

    boolean carrier() {
        return carrierOn;
    }

    boolean usesPrimary() {
        return params.mode.hasActiveSlave();
    }

    SimSlave slave(String ifname) {
        for (SimSlave s : slaves) if (s.name().equals(ifname)) return s;
        return null;
    }

    // ---- enslave / release ------------------------------------------------------------------

    /** bond_enslave, after the adapter has taken the device down as the driver demands. */
    void enslave(SimLink dev) {
        if (dev == this.dev) throw error("cannot enslave " + dev.name + ": Cannot enslave bond to itself.");
        if (dev.kind == NetworkState.Kind.BOND) {
            throw error("cannot enslave " + dev.name + ": a bond as a slave of a bond is not modelled");
        }
        if (dev.master != null) {
            throw error("cannot enslave " + dev.name + ": already a slave of " + dev.master.name
                    + " (Device is in use and cannot be enslaved)");
        }
        if (dev.adminUp) throw error("cannot enslave " + dev.name + ": Device can not be enslaved while up");
        if (this.dev.mtu > dev.maxMtu) {
            throw error("cannot enslave " + dev.name + ": Error -22 calling dev_set_mtu (bond MTU "
                    + this.dev.mtu + " above the device's maximum " + dev.maxMtu + ")");
        }
        if (dev.lower != null && this.dev.mtu > dev.lower.mtu) {
            throw error("cannot enslave " + dev.name + ": Error -34 calling dev_set_mtu (bond MTU "
                    + this.dev.mtu + " above " + dev.lower.name + "'s " + dev.lower.mtu + ")");
        }
        if (dev.lower != null && !dev.lower.adminUp) {
            throw error("cannot enslave " + dev.name + ": Opening slave failed (" + dev.lower.name + " is down)");
        }
        SimSlave s = new SimSlave(dev, dev.mtu);
        dev.mtu = this.dev.mtu;
        dev.adminUp = true; // the driver opens the slave itself
        dev.master = this;
        long now = kernel.now();
        s.lastRx = now - params.arpInterval * 1_000_000L - 1; // stale until the first answer
        s.lastTx = s.lastRx;
        s.link = initialLink(dev);
        if (s.link == MiiStatus.BACK) s.delay = params.updelayTicks;
        if (s.link != MiiStatus.DOWN) s.lastLinkUp = now;
        if (usesPrimary() && dev.name.equals(params.primaryName)) {
            primary = s;
            forcePrimary = true;
        }
        slaves.add(s);
        kernel.emit(new NetworkChange.SlaveAdded(now, name, dev.name, s.link));
        updateCarrier();
        if (usesPrimary()) selectActive();
    }

    private MiiStatus initialLink(SimLink dev) {
        if (params.miimon > 0) {
            if (!dev.carrier()) return MiiStatus.DOWN;
            return params.updelayTicks > 0 ? MiiStatus.BACK : MiiStatus.UP;
        }
        if (params.arpInterval > 0) return dev.carrier() ? MiiStatus.UP : MiiStatus.DOWN;
        return MiiStatus.UP; // nobody watches: the driver assumes the link works
    }

    /** __bond_release_one: also what happens when the slave's device is unregistered. */
    void release(SimSlave s) {
        slaves.remove(s);
        if (primary == s) primary = null; // the name stays recorded for a later enslave
        boolean wasActive = active == s;
        if (wasActive) changeActive(null);
        learning.released(s, kernel.now());
        kernel.emit(new NetworkChange.SlaveRemoved(kernel.now(), name, s.name(), s.link));
        if (wasActive) selectActive();
        updateCarrier();
        s.dev.master = null;
        s.dev.adminUp = false; // the driver closes the device it lets go of
        s.dev.mtu = s.originalMtu;
    }

    // ---- active slave -----------------------------------------------------------------------

    /** bond_select_active_slave. */
    void selectActive() {
        if (!usesPrimary()) return;
        SimSlave best = findBest();
        if (best != active) {
            changeActive(best);
            updateCarrier();
        }
    }

    /** bond_find_best_slave: primary or current first, else the first up slave in list order. */
    private SimSlave findBest() {
        SimSlave chosen = primaryOrCurrent();
        if (chosen != null) return chosen;
        SimSlave best = null;
        int mintime = params.updelayTicks;
        for (SimSlave s : slaves) {
            if (s.link == MiiStatus.UP) return s;
            if (s.link == MiiStatus.BACK && s.deviceUp() && s.delay < mintime) {
                mintime = s.delay;
                best = s;
            }
        }
        return best;
    }

    /**
     * bond_choose_primary_or_current as of Linux 6.0+ (per-slave priorities, all equal here): when
     * the primary is not up, the first up slave in list order is treated as the primary. So a
     * reselection (enslave, release of the active slave, primary changes) may move the active slave
     * to an earlier slave even though the current one still works.
     */
    private SimSlave primaryOrCurrent() {
        SimSlave prim = primary;
        SimSlave curr = active;
        if (prim == null || prim.link != MiiStatus.UP) {
            SimSlave first = null;
            for (SimSlave s : slaves) {
                if (s.link == MiiStatus.UP) {
                    first = s;
                    break;
                }
            }
            if (first == null || first == curr) return curr != null && curr.link == MiiStatus.UP ? curr : null;
            prim = first;
        } else if (forcePrimary) {
            forcePrimary = false;
            return prim;
        }
        if (curr == null || curr.link != MiiStatus.UP) return prim;
        return switch (params.primaryReselect) {
            case ALWAYS -> prim;
            case BETTER -> prim.dev.speedMbps > curr.dev.speedMbps ? prim : curr;
            case FAILURE -> curr;
        };
    }

    /** bond_change_active_slave: a slave still waiting out its updelay is taken at once. */
    void changeActive(SimSlave next) {
        if (next == active) return;
        long now = kernel.now();
        if (next != null) {
            next.lastLinkUp = now;
            if (next.link == MiiStatus.BACK) {
                next.delay = 0;
                next.setLink(MiiStatus.UP, kernel, name);
            }
        }
        String previous = active == null ? null : active.name();
        SimSlave old = active;
        active = next;
        learning.activeChanged(old, now);
        kernel.emit(new NetworkChange.ActiveSlave(now, name, previous, next == null ? null : next.name()));
    }

    /** bond_option_active_slave_set: only to a slave that is up, and only while some slave is active. */
    void setActive(String ifname, SimLink dev) {
        if (!usesPrimary()) throw DriverOptions.unsupported(this, "active_slave");
        if (dev == null) throw error("option active_slave: interface " + ifname + " does not exist!");
        if (dev.master == null) throw error("cannot make " + ifname + " active: Device is not bonding slave");
        if (dev.master != this) throw error("cannot make " + ifname + " active: Device is not our slave");
        SimSlave s = slave(ifname);
        if (s == active) return;
        if (active == null || s.link != MiiStatus.UP || !s.deviceUp()) {
            throw error("cannot make " + ifname + " active: Could not set as active slave; either "
                    + ifname + " is down or the link is down");
        }
        changeActive(s);
    }

    void setAllSlavesActive(boolean on) {
        allSlavesActive = on;
        if (!on) learning.allSlavesActiveOff(kernel.now());
    }

    // ---- carrier ----------------------------------------------------------------------------

    /**
     * bond_set_carrier: any slave up, except in 802.3ad where the aggregator needs min_links ports
     * (the model assumes one aggregator holding every up slave: it does not run LACP).
     */
    void updateCarrier() {
        int up = 0;
        for (SimSlave s : slaves) if (s.link == MiiStatus.UP) up++;
        boolean on = params.mode == BondMode.IEEE_802_3AD ? up > 0 && up >= params.minLinks : up > 0;
        if (on == carrierOn) return;
        carrierOn = on;
        kernel.emit(new NetworkChange.BondCarrier(kernel.now(), name, on));
    }

    // ---- monitors ---------------------------------------------------------------------------

    /** bond_open/bond_close and option changes (re)arm the monitors to run at once. */
    void rearmMonitors() {
        long now = kernel.now();
        miiNext = dev.adminUp && params.miimon > 0 ? now : NEVER;
        arpNext = dev.adminUp && params.arpInterval > 0 ? now : NEVER;
    }

    long nextTick() {
        return Math.min(miiNext, arpNext);
    }

    void tick(long t) {
        if (miiNext == t) {
            miiNext = t + params.miimon * 1_000_000L;
            if (!slaves.isEmpty()) MiiMonitor.run(this);
        }
        if (arpNext == t) {
            arpNext = t + params.arpInterval * 1_000_000L;
            if (!slaves.isEmpty()) ArpMonitor.run(this);
        }
    }

    // ---- views ------------------------------------------------------------------------------

    /** The options as sysfs shows them: delays in ms, primary only once it is enslaved. */
    BondOptions options() {
        return params.toOptions(primary == null ? null : primary.name());
    }

    NetworkState.Bond snapshot() {
        List<String> names = new ArrayList<>();
        Map<String, Boolean> up = new LinkedHashMap<>();
        for (SimSlave s : slaves) {
            names.add(s.name());
            up.put(s.name(), s.link == MiiStatus.UP);
        }
        String act = usesPrimary() && active != null ? active.name() : null;
        return new NetworkState.Bond(name, options(), names, act, up, allSlavesActive);
    }

    NetworkException error(String what) {
        return new NetworkException(name + ": " + what);
    }
}
