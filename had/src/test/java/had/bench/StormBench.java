package had.bench;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.AuditLog;
import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.PciFunction;
import had.backplane.PciId;
import had.config.BondConfig;
import had.config.ChassisConfig;
import had.config.DriverTable;
import had.config.PortConfig;
import had.config.SlotConfig;
import had.core.Chassis;
import had.core.Settings;
import had.core.SlotState;
import had.core.SlotView;
import had.drivers.sim.SimDrivers;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.sim.SimNetwork;
import had.time.Clock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The insertion storm: every slot of a 21-slot chassis receives a 4-port card at once (a chassis
 * powering up, or a backplane rescan after an overflow). Measures the CPU time of had's own
 * thread from the first event to every slot ACTIVE, on the simulated network and modules, cold
 * (the first storm a fresh JVM sees) and warm. The audit log is the one had ships, on the disk the
 * build runs from: every record written and forced to disk as the core commits them.
 */
public final class StormBench {
    static final int SLOTS = 21;
    static final int PORTS = 4;
    static final PciId CARD = new PciId(0x8086, 0x10d3);

    static final long CPU_GOAL_NANOS = 50_000_000L;
    static final long WALL_GOAL_NANOS = 100_000_000L;

    public record Result(long cpuNanos, long kernelNanos, long wallNanos, int events, int records, int fsyncs) {
        long ownNanos() {
            return cpuNanos - kernelNanos;
        }
    }

    static String report() throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "storm: %d slots x %d ports inserted at once (%d bonds, %d ports)%n",
                SLOTS, PORTS, PORTS, SLOTS * PORTS));
        Path probe = BenchDisk.newDir("storm-");
        String fs = BenchDisk.fsType(probe);
        sb.append("  audit log: had's AuditLog, each commit written and forced to disk, on ").append(BenchDisk.describe(probe))
                .append('\n');
        BenchDisk.delete(probe);
        Result cold = run();
        sb.append(line("cold (first storm after start)", cold));
        for (int i = 0; i < 20; i++) run();
        List<Result> warm = new ArrayList<>();
        for (int i = 0; i < 10; i++) warm.add(run());
        warm.sort((a, b) -> Long.compare(a.ownNanos(), b.ownNanos()));
        sb.append(line("warm (median of 10)", warm.get(warm.size() / 2)));
        List<String> missed = new ArrayList<>();
        if (cold.ownNanos() >= CPU_GOAL_NANOS) missed.add(String.format(Locale.ROOT, "had's CPU %.1f ms", cold.ownNanos() / 1e6));
        if (cold.wallNanos() >= WALL_GOAL_NANOS) missed.add(String.format(Locale.ROOT, "wall %.1f ms", cold.wallNanos() / 1e6));
        if (!BenchDisk.onDisk(fs)) missed.add("the log was not on a disk (" + fs + ")");
        sb.append(String.format(Locale.ROOT, "goal: cold storm under %d ms of had's CPU and %d ms wall, audit log on disk: %s%n",
                CPU_GOAL_NANOS / 1_000_000, WALL_GOAL_NANOS / 1_000_000,
                missed.isEmpty() ? "met" : "NOT met (" + String.join(", ", missed) + ")"));
        return sb.toString();
    }

    private static String line(String what, Result r) {
        return String.format(Locale.ROOT,
                "  %-30s had's own CPU %6.2f ms (+ %6.2f ms in the simulated kernel), wall %7.2f ms; %d events,"
                        + " %5.1f us own CPU per event; %d records in %d fsyncs%n",
                what, r.ownNanos() / 1e6, r.kernelNanos() / 1e6, r.wallNanos() / 1e6, r.events(), r.ownNanos() / 1e3 / r.events(),
                r.records(), r.fsyncs());
    }

    static Result run() throws Exception {
        Path dir = BenchDisk.newDir("storm-");
        try (AuditLog log = new AuditLog(dir.resolve("audit.log"), Clock.SYSTEM)) {
            return run(log);
        } finally {
            BenchDisk.delete(dir);
        }
    }

    private static Result run(AuditLog log) throws Exception {
        ChassisConfig config = config();
        SimNetwork net = new SimNetwork(Clock.SYSTEM);
        SimDrivers drivers = new SimDrivers(config.drivers(), new SimDrivers.Kernel() {
            @Override
            public void moduleChanged(String module, List<PciId> ids, boolean loaded) { }

            @Override
            public Optional<String> boundDriver(String pciAddress) {
                return Optional.empty();
            }
        });
        Counted audit = new Counted(log);
        KernelTimedNetwork timed = new KernelTimedNetwork(net);
        Chassis chassis = new Chassis(config, new Settings(10_000, 0), new NoBackplane(), timed, drivers, audit, Clock.SYSTEM);
        // had is up and READY on an empty chassis (its start-up inventory done); then the storm.
        chassis.handle(new BackplaneEvent.Resync(Set.of(), 0));
        chassis.settle();
        timed.kernelNanos = 0;
        audit.records = audit.fsyncs = 0;
        List<BackplaneEvent> events = new ArrayList<>();
        int eth = 0;
        for (int slot = 1; slot <= SLOTS; slot++) {
            List<PciFunction> fs = new ArrayList<>();
            for (int f = 0; f < PORTS; f++) fs.add(new PciFunction(String.format("0000:%02x:00.%d", slot, f), f, CARD, 0x020000));
            events.add(new BackplaneEvent.CardInserted(slot, fs, 0));
            for (int f = PORTS - 1; f >= 0; f--) {
                String name = "eth" + eth++;
                net.addPort(name, 1500);
                net.setPhysicalLink(name, true);
                events.add(new BackplaneEvent.NetdevAdded(slot, fs.get(f), name, 0));
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        // The storm arrives faster than had handles it: the loop drains its queue, committing after
        // each event that acted (as EventLoop does: durable before the next is acted on), then settles.
        for (BackplaneEvent e : events) {
            chassis.handle(e);
            if (chassis.actedUncommitted()) chassis.commit();
        }
        chassis.settle();
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        for (SlotView v : chassis.slots()) {
            if (v.state() != SlotState.ACTIVE) throw new IllegalStateException("slot " + v.slot() + " is " + v.state());
        }
        for (int b = 0; b < PORTS; b++) {
            int slaves = net.read().bond("bond" + b).slaves().size();
            if (slaves != SLOTS) throw new IllegalStateException("bond" + b + " has " + slaves + " slaves");
        }
        return new Result(cpu, timed.kernelNanos, wall, events.size(), audit.records, audit.fsyncs);
    }

    /** 21 slots, port N of every card in bondN. */
    static ChassisConfig config() throws Exception {
        Map<String, BondConfig> bonds = new LinkedHashMap<>();
        Map<String, PortConfig> configs = new LinkedHashMap<>();
        for (int b = 0; b < PORTS; b++) {
            Inet4Address a = (Inet4Address) InetAddress.getByName("10.0." + (b + 1) + ".1");
            bonds.put("bond" + b, new BondConfig("bond" + b, List.of(new IfAddress(a, 24)), 0,
                    BondOptions.defaults(BondMode.ACTIVE_BACKUP), null, 1));
            configs.put("c" + b, new PortConfig("c" + b, null, "bond" + b, 0, 0, 1));
        }
        Map<Integer, SlotConfig> slots = new LinkedHashMap<>();
        for (int s = 1; s <= SLOTS; s++) {
            Map<Integer, List<String>> ports = new LinkedHashMap<>();
            for (int p = 0; p < PORTS; p++) ports.put(p, List.of("c" + p));
            slots.put(s, new SlotConfig(s, ports, 1));
        }
        return new ChassisConfig(Path.of("storm.conf"), Path.of("pcidrivers.conf"), Set.of(), bonds, configs, slots,
                new DriverTable(List.of(new DriverTable.Entry(CARD, "e1000e", 1))));
    }

    /** Counts records and the commits that had records to write: each of those is one fsync. */
    private static final class Counted implements Audit {
        final Audit log;
        int records, fsyncs;
        private boolean pending;

        Counted(Audit log) {
            this.log = log;
        }

        @Override
        public void record(AuditEvent e) {
            log.record(e);
            records++;
            pending = true;
        }

        /** Passed on: the log writes ahead of each action as in the daemon (a write, no fsync). */
        @Override
        public void writeAhead() {
            log.writeAhead();
        }

        @Override
        public had.audit.Commit commit() {
            had.audit.Commit c = log.commit();
            if (pending) fsyncs++;
            pending = false;
            return c;
        }
    }

    private static final class NoBackplane implements Backplane {
        @Override public void start(java.util.function.Consumer<BackplaneEvent> sink) { }
        @Override public void powerOn(int slot) { }
        @Override public void powerOff(int slot) { }
        @Override public void setHotSwapLed(int slot, boolean on) { }
        @Override public void setAttention(int slot, boolean on) { }
        @Override public void close() { }
    }
}
