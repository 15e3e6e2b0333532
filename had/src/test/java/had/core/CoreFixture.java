package had.core;

import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.mock;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.Commit;
import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.PciFunction;
import had.backplane.PciId;
import had.config.ChassisConfig;
import had.drivers.sim.SimDrivers;
import had.network.Network;
import had.network.sim.SimNetwork;
import had.time.ManualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The core on a chassis the test plays by hand: a Mockito backplane (the test sends its events
 * and verifies its commands), the simulated network with the bonding driver's semantics, and
 * simulated modules. Interfaces are named like the kernel would, in the order functions probe
 * (highest function first, as in the lab), so nothing can rely on names.
 */
final class CoreFixture {
    final ManualClock clock = new ManualClock();
    final SimNetwork net = new SimNetwork(clock);
    /** What the chassis acts on: {@link #net}, through a mock a test can make refuse a change. */
    final Network network = mock(Network.class, delegatesTo(net));
    final Backplane backplane = mock(Backplane.class);
    final List<AuditEvent> audit = new ArrayList<>();
    /** How many of {@link #audit} the core has written ahead of an action or committed (offered to the file). */
    private int written;
    /** How many of {@link #audit} the core has committed (offered to the disk). */
    private int committed;
    /** How many of {@link #audit} are durable: all committed ones, unless the disk refuses them. */
    private int durable;
    /** The disk refuses every commit: its records are held. */
    boolean diskRefuses;
    /** Records lost while the disk refused, told by the next commit the disk takes. */
    long lostOnResume;
    /** Modules loaded or unloaded while records were not yet written. */
    final List<String> actedUnwritten = new ArrayList<>();
    final List<String> moduleChanges = new ArrayList<>();
    final Map<String, String> bound = new HashMap<>();
    /** Thrown by every look at which driver a PCI function is bound to, while not null. */
    RuntimeException driverLookupFault;
    final Map<Integer, List<String>> portsBySlot = new TreeMap<>();
    final SimDrivers drivers;
    final FakeProbes probes = new FakeProbes();
    final Chassis chassis;
    /** What a commit with records to write costs: nothing, unless a test makes the disk slow. */
    Runnable commitCost = () -> { };
    private int nextEth;

    CoreFixture(ChassisConfig config) {
        this(config, new Settings(1_000, 200));
    }

    CoreFixture(ChassisConfig config, Settings settings) {
        drivers = new SimDrivers(config.drivers(), new SimDrivers.Kernel() {
            @Override
            public void moduleChanged(String module, List<PciId> ids, boolean loaded) {
                moduleChanges.add((loaded ? "+" : "-") + module);
                if (unwritten() > 0) actedUnwritten.add((loaded ? "load " : "unload ") + module + " with " + unwritten()
                        + " records not written");
            }

            @Override
            public Optional<String> boundDriver(String pciAddress) {
                if (driverLookupFault != null) throw driverLookupFault;
                return Optional.ofNullable(bound.get(pciAddress));
            }
        });
        Audit log = new Audit() {
            @Override
            public void record(AuditEvent e) {
                audit.add(e);
            }

            @Override
            public void writeAhead() {
                written = audit.size();
            }

            @Override
            public Commit commit() {
                if (audit.size() > committed) commitCost.run();
                committed = audit.size();
                written = committed;
                if (diskRefuses) return new Commit.Held(committed - durable, "No space left on device");
                durable = committed;
                long lost = lostOnResume;
                lostOnResume = 0;
                return lost > 0 ? new Commit.Resumed(lost) : Commit.DURABLE;
            }
        };
        chassis = new Chassis(config, settings, backplane, probes, network, drivers, log, clock);
    }

    int unwritten() {
        return audit.size() - written;
    }

    int uncommitted() {
        return audit.size() - committed;
    }

    int notDurable() {
        return audit.size() - durable;
    }

    static List<PciFunction> card(int slot, PciId id, int ports) {
        List<PciFunction> fs = new ArrayList<>();
        for (int f = 0; f < ports; f++) fs.add(new PciFunction(String.format("0000:%02x:00.%d", slot, f), f, id, 0x020000));
        return fs;
    }

    /** had started on {@code config} with the shipped layout in service: dual-port cards in slots 2 and 12, single in 16. */
    static CoreFixture threeCards(ChassisConfig config) {
        CoreFixture f = new CoreFixture(config);
        f.resync();
        f.insert(2, Configs.E1000E, 2);
        f.insert(12, Configs.E1000E, 2);
        f.insert(16, Configs.E1000E, 1);
        f.advance(500);
        return f;
    }

    /** One event, then what the event loop does when its queue is empty. */
    void send(BackplaneEvent e) {
        chassis.handle(e);
        chassis.settle();
    }

    void resync() {
        send(new BackplaneEvent.Resync(new LinkedHashSet<>(portsBySlot.keySet()), clock.nanos()));
    }

    /** Card in, then (like the kernel once the driver is loaded) its ports, highest function first. */
    List<String> insert(int slot, PciId id, int ports) {
        List<PciFunction> fs = card(slot, id, ports);
        send(new BackplaneEvent.CardInserted(slot, fs, clock.nanos()));
        return portsAppear(slot, fs);
    }

    List<String> portsAppear(int slot, List<PciFunction> fs) {
        String[] names = new String[fs.size()];
        for (int f = fs.size() - 1; f >= 0; f--) {
            String name = "eth" + nextEth++;
            names[f] = name;
            net.addPort(name, 1500);
            net.setPhysicalLink(name, true);
            send(new BackplaneEvent.NetdevAdded(slot, fs.get(f), name, clock.nanos()));
        }
        portsBySlot.put(slot, List.of(names));
        return List.of(names);
    }

    /** The card pulled without a request: links drop at once, the kernel unregisters later. */
    void yank(int slot, long detectMillis) {
        List<String> ports = portsBySlot.getOrDefault(slot, List.of());
        for (String p : ports) net.setPhysicalLink(p, false);
        advance(detectMillis);
        for (String p : ports) {
            net.removePort(p);
            send(new BackplaneEvent.NetdevRemoved(slot, p, clock.nanos()));
        }
        portsBySlot.remove(slot);
        send(new BackplaneEvent.CardRemoved(slot, clock.nanos()));
    }

    /** After a power-off: the kernel removes the card's interfaces. */
    void powerOffHappened(int slot) {
        for (String p : portsBySlot.getOrDefault(slot, List.of())) {
            net.removePort(p);
            send(new BackplaneEvent.NetdevRemoved(slot, p, clock.nanos()));
        }
    }

    void pull(int slot) {
        portsBySlot.remove(slot);
        send(new BackplaneEvent.CardRemoved(slot, clock.nanos()));
    }

    /** Lets time pass in 10 ms steps: the bonding monitors and the core's timers run. */
    void advance(long millis) {
        for (long t = 0; t < millis; t += 10) {
            clock.advanceMillis(Math.min(10, millis - t));
            net.advance();
            chassis.tick();
            chassis.settle();
        }
    }

    /** The probes' verdict on a port's path, as picmg-bridge would send it. */
    void path(String ifname, boolean up) {
        int slot = 0;
        for (Map.Entry<Integer, List<String>> e : portsBySlot.entrySet()) if (e.getValue().contains(ifname)) slot = e.getKey();
        long now = clock.nanos();
        send(new BackplaneEvent.PathChanged(slot, ifname, up, "10.0.1.100", up ? 150_000 : 0, now - 40_000_000L, now));
    }

    SlotState state(int slot) {
        return chassis.slotView(slot).state();
    }

    String port(int slot, int subdevice) {
        return chassis.slotView(slot).ports().get(subdevice);
    }

    List<AuditEvent> audits(String type) {
        return audit.stream().filter(e -> e.type().equals(type)).toList();
    }

    Set<String> types() {
        Set<String> s = new LinkedHashSet<>();
        for (AuditEvent e : audit) s.add(e.type());
        return s;
    }
}
