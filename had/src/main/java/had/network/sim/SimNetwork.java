package had.network.sim;

import had.network.BondOptionPlan;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.MiiStatus;
import had.network.Network;
import had.network.NetworkChange;
import had.network.NetworkException;
import had.network.NetworkState;
import had.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory Linux network stack as far as the daemon sees it: ports that the simulation plugs
 * in, pulls and cables, VLAN devices on them, and bonds with the bonding driver's rules and
 * monitors (see {@link SimBond}, {@link MiiMonitor}, {@link ArpMonitor}).
 *
 * <p>Time: monitors run on their own schedule, at exact multiples of their interval from the
 * moment the bond came up. Nothing runs in the background: every call first replays, in time
 * order, each monitor run that fell due up to {@code clock.nanos()} ({@link #advance()} does only
 * that), so a simulation that moves a manual clock gets the same answers every time.
 *
 * <p>Changes the driver makes (carrier, active slave, slave states) are recorded in
 * {@link #changeLog()} and delivered to {@link #onChange} listeners after the call that caused
 * them has released the model, on the calling thread.
 *
 * <p>As the adapter on a real kernel does, {@link #enslave} takes the device down first (the
 * driver refuses a device that is up, then opens it itself) and {@link #setBondOptions} takes a
 * slaveless bond down around options the driver only takes while it is down.
 */
public final class SimNetwork implements Network {
    /** The largest MTU a port takes unless told otherwise (e1000e with jumbo frames). */
    public static final int DEFAULT_MAX_MTU = 9000;
    public static final int DEFAULT_SPEED_MBPS = 1000;

    private final Clock clock;
    private final Map<String, SimLink> links = new LinkedHashMap<>();
    private final Map<String, SimBond> bonds = new LinkedHashMap<>();
    private final ChangeLog log = new ChangeLog();
    private final List<Consumer<NetworkChange>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<NetworkChange> undelivered = new ConcurrentLinkedQueue<>();
    private final Object delivery = new Object();
    private long now;

    private final Kernel kernel = new Kernel() {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void emit(NetworkChange change) {
            log.add(change);
            undelivered.add(change);
        }

        @Override
        public void lost(ChangeLog.Loss loss) {
            log.lost(loss);
        }
    };

    public SimNetwork(Clock clock) {
        this.clock = clock;
        this.now = clock.nanos();
    }

    // ---- the simulated world ----------------------------------------------------------------

    public void addPort(String name, int mtu) {
        addPort(name, mtu, Math.max(mtu, DEFAULT_MAX_MTU), DEFAULT_SPEED_MBPS);
    }

    /** A port appears (its driver registered the netdev): down, cable in, path reachable. */
    public void addPort(String name, int mtu, int maxMtu, int speedMbps) {
        act(() -> {
            if (links.containsKey(name)) throw new NetworkException(name + ": cannot add port: File exists");
            if (mtu < SimLink.MIN_MTU || mtu > maxMtu) throw new NetworkException(name + ": MTU " + mtu + " out of range");
            links.put(name, SimLink.port(name, mtu, maxMtu, speedMbps));
        });
    }

    /** The port's netdev is unregistered (card pulled): its VLANs go with it, bonds drop it at once. */
    public void removePort(String name) {
        act(() -> unregister(port(name)));
    }

    /** Cable or far end: carrier is admin up and physical link. */
    public void setPhysicalLink(String name, boolean up) {
        act(() -> port(name).physicalLink = up);
    }

    /**
     * Whether what is sent through {@code name} reaches the ARP targets: false is a switch that
     * keeps the link up but passes nothing, or a VLAN removed from a trunk. Only ARP monitoring sees it.
     */
    public void setPathReachable(String name, boolean reachable) {
        act(() -> {
            SimLink l = link(name);
            if (l.kind == NetworkState.Kind.BOND) throw new NetworkException(name + ": a bond has no path of its own");
            l.pathReachable = reachable;
        });
    }

    /** Runs every monitor run due up to the clock's present. */
    public void advance() {
        act(() -> {
        });
    }

    public void onChange(Consumer<NetworkChange> listener) {
        listeners.add(listener);
    }

    public ChangeLog changeLog() {
        return log;
    }

    /** The bond's own view of one slave, with the intermediate states NetworkState folds away. */
    public MiiStatus miiStatus(String bond, String slave) {
        return call(() -> {
            SimSlave s = bond(bond).slave(slave);
            if (s == null) throw new NetworkException(bond + ": " + slave + " is not a slave of " + bond);
            return s.link;
        });
    }

    // ---- Network ----------------------------------------------------------------------------

    @Override
    public NetworkState read() {
        return call(() -> {
            Map<String, NetworkState.Link> l = new LinkedHashMap<>();
            for (SimLink link : links.values()) l.put(link.name, link.snapshot());
            Map<String, NetworkState.Bond> b = new LinkedHashMap<>();
            for (SimBond bond : bonds.values()) b.put(bond.name, bond.snapshot());
            return new NetworkState(l, b);
        });
    }

    @Override
    public boolean carrier(String ifname) {
        return call(() -> {
            SimLink l = links.get(ifname);
            return l != null && l.snapshot().carrier();
        });
    }

    @Override
    public void createBond(String name, BondOptions options) {
        act(() -> {
            if (links.containsKey(name)) throw new NetworkException(name + ": cannot create bond: File exists");
            SimBond b = new SimBond(name, kernel);
            b.dev = SimLink.bond(name, b);
            List<BondOptionPlan.Step> steps = BondOptionPlan.plan(name, b.options(), options, false, false);
            links.put(name, b.dev);
            bonds.put(name, b);
            try {
                apply(b, steps);
            } catch (NetworkException e) {
                links.remove(name);
                bonds.remove(name);
                throw e;
            }
        });
    }

    @Override
    public void setBondOptions(String name, BondOptions options) {
        act(() -> {
            SimBond b = bond(name);
            apply(b, BondOptionPlan.plan(name, b.options(), options, !b.slaves.isEmpty(), b.dev.adminUp));
        });
    }

    @Override
    public void deleteBond(String name) {
        act(() -> unregister(bond(name).dev));
    }

    @Override
    public void enslave(String bond, String ifname) {
        act(() -> {
            SimBond b = bond(bond);
            SimLink l = links.get(ifname);
            if (l == null) throw new NetworkException(bond + ": option slaves: interface " + ifname + " does not exist!");
            if (l.master != null) {
                // Checked before taking it down: a slave of another bond must not lose its link.
                throw new NetworkException(bond + ": cannot enslave " + ifname + ": already a slave of " + l.master.name);
            }
            if (l.adminUp) setAdmin(l, false);
            b.enslave(l);
        });
    }

    @Override
    public void release(String bond, String ifname) {
        act(() -> {
            SimBond b = bond(bond);
            SimSlave s = b.slave(ifname);
            if (s == null) throw new NetworkException(bond + ": cannot release " + ifname + ": not a slave of " + bond);
            b.release(s);
        });
    }

    @Override
    public void setActiveSlave(String bond, String ifname) {
        act(() -> bond(bond).setActive(ifname, links.get(ifname)));
    }

    @Override
    public void setAllSlavesActive(String bond, boolean on) {
        act(() -> bond(bond).setAllSlavesActive(on));
    }

    /** Checked as the kernel would refuse it (no such bond, a port that is not its slave or is down), then logged. */
    @Override
    public void announce(String bond, String via) {
        act(() -> {
            SimBond b = bond(bond);
            SimSlave s = b.slave(via);
            if (s == null) throw new NetworkException(via + ": cannot announce " + bond + ": not a slave of " + bond);
            if (!s.deviceUp()) throw new NetworkException(via + ": cannot announce " + bond + ": Network is down");
            log.announced(new ChangeLog.Announcement(clock.nanos(), bond, via));
        });
    }

    @Override
    public void setUp(String ifname, boolean up) {
        act(() -> setAdmin(link(ifname), up));
    }

    @Override
    public void setMtu(String ifname, int mtu) {
        act(() -> changeMtu(link(ifname), mtu));
    }

    @Override
    public void addAddress(String ifname, IfAddress address) {
        act(() -> {
            SimLink l = link(ifname);
            for (IfAddress a : l.addresses) {
                if (a.address().equals(address.address()) && a.prefix() == address.prefix()) {
                    throw new NetworkException(ifname + ": cannot add " + address + ": File exists");
                }
            }
            l.addresses.add(address);
        });
    }

    @Override
    public void removeAddress(String ifname, IfAddress address) {
        act(() -> {
            SimLink l = link(ifname);
            boolean removed = l.addresses.removeIf(
                    a -> a.address().equals(address.address()) && a.prefix() == address.prefix());
            if (!removed) throw new NetworkException(ifname + ": cannot remove " + address + ": Cannot assign requested address");
        });
    }

    @Override
    public void createVlan(String parent, int vlanId, String name) {
        act(() -> {
            SimLink p = link(parent);
            if (links.containsKey(name)) throw new NetworkException(name + ": cannot create VLAN: File exists");
            if (vlanId < 0 || vlanId > 4094) throw new NetworkException(name + ": invalid VLAN id " + vlanId + " (0-4094)");
            for (SimLink l : links.values()) {
                if (l.lower == p && l.vlanId == vlanId) {
                    throw new NetworkException(name + ": cannot create VLAN " + vlanId + " on " + parent
                            + ": File exists (" + l.name + ")");
                }
            }
            links.put(name, SimLink.vlan(name, p, vlanId));
        });
    }

    @Override
    public void deleteLink(String name) {
        act(() -> {
            SimLink l = link(name);
            if (l.kind == NetworkState.Kind.ETHERNET) {
                throw new NetworkException(name + ": cannot delete a port: Operation not supported");
            }
            unregister(l);
        });
    }

    // ---- the kernel's side ------------------------------------------------------------------

    private void apply(SimBond b, List<BondOptionPlan.Step> steps) {
        for (BondOptionPlan.Step step : steps) {
            switch (step.action()) {
                case WRITE -> DriverOptions.write(b, step.option(), step.value());
                case BOND_DOWN -> setAdmin(b.dev, false);
                case BOND_UP -> setAdmin(b.dev, true);
            }
        }
    }

    /** dev_open/dev_close, with the VLAN driver following its parent both ways. */
    private void setAdmin(SimLink l, boolean up) {
        if (l.adminUp == up) return;
        if (up && l.lower != null && !l.lower.adminUp) {
            throw new NetworkException(l.name + ": cannot set up: Network is down (" + l.lower.name + " is down)");
        }
        l.adminUp = up;
        if (l.bond != null) l.bond.rearmMonitors();
        for (SimLink v : new ArrayList<>(links.values())) if (v.lower == l) setAdmin(v, up);
    }

    private void changeMtu(SimLink l, int mtu) {
        if (mtu < SimLink.MIN_MTU || mtu > l.maxMtu) {
            throw new NetworkException(l.name + ": cannot set MTU " + mtu + ": Invalid argument (range "
                    + SimLink.MIN_MTU + "-" + l.maxMtu + ")");
        }
        if (l.lower != null && mtu > l.lower.mtu) {
            throw new NetworkException(l.name + ": cannot set MTU " + mtu + ": Numerical result out of range ("
                    + l.lower.name + " has " + l.lower.mtu + ")");
        }
        if (l.bond != null) {
            for (SimSlave s : l.bond.slaves) {
                if (mtu > s.dev.maxMtu) {
                    throw new NetworkException(l.name + ": cannot set MTU " + mtu + ": Invalid argument (slave "
                            + s.name() + " takes at most " + s.dev.maxMtu + ")");
                }
            }
            for (SimSlave s : l.bond.slaves) s.dev.mtu = mtu;
        }
        l.mtu = mtu;
        // A VLAN never has a larger MTU than the device under it.
        for (SimLink v : links.values()) if (v.lower == l && v.mtu > mtu) v.mtu = mtu;
    }

    /** NETDEV_UNREGISTER: upper devices first, then the bond lets go, then the device is gone. */
    private void unregister(SimLink l) {
        for (SimLink v : new ArrayList<>(links.values())) if (v.lower == l) unregister(v);
        if (l.master != null) l.master.release(l.master.slave(l.name));
        if (l.bond != null) {
            SimBond b = l.bond;
            b.changeActive(null);
            for (SimSlave s : new ArrayList<>(b.slaves)) b.release(s);
            bonds.remove(b.name);
        }
        links.remove(l.name);
    }

    private SimLink link(String name) {
        SimLink l = links.get(name);
        if (l == null) throw new NetworkException(name + ": no such device");
        return l;
    }

    private SimLink port(String name) {
        SimLink l = link(name);
        if (l.kind != NetworkState.Kind.ETHERNET) throw new NetworkException(name + ": not a port");
        return l;
    }

    private SimBond bond(String name) {
        SimBond b = bonds.get(name);
        if (b == null) throw new NetworkException(name + ": no such bond");
        return b;
    }

    // ---- time and delivery ------------------------------------------------------------------

    private void act(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    private <T> T call(java.util.function.Supplier<T> op) {
        try {
            synchronized (this) {
                catchUp();
                return op.get();
            }
        } finally {
            deliver();
        }
    }

    /** Replays, in time order across bonds, every monitor run due up to the present. */
    private void catchUp() {
        long present = clock.nanos();
        while (true) {
            SimBond next = null;
            for (SimBond b : bonds.values()) if (next == null || b.nextTick() < next.nextTick()) next = b;
            if (next == null || next.nextTick() > present) break;
            now = next.nextTick();
            next.tick(now);
        }
        now = present;
    }

    private void deliver() {
        synchronized (delivery) {
            NetworkChange c;
            while ((c = undelivered.poll()) != null) for (Consumer<NetworkChange> l : listeners) l.accept(c);
        }
    }
}
