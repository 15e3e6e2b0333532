package had.sim;

import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.PathProbes;
import had.backplane.PathSupervision;
import had.backplane.PciId;
import had.backplane.bridge.BridgeBackplane;
import had.drivers.sim.SimDrivers;
import had.network.sim.SimNetwork;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel of the simulated chassis, between picmg-bridge's simulated backplane and had: it
 * keeps the simulated network in step with the cards (an interface exists once its card's
 * driver probed it; carrier follows the cable), the way Linux does before it tells anyone.
 *
 * <p>A yanked card loses its links at once, but the kernel only unregisters its interfaces when
 * the hot-plug controller notices the card is gone, {@code unregisterDelayMs} later; in between
 * the bonding driver's own monitor is what fails traffic over, as on a real chassis.
 */
public final class SimulatedKernel implements Backplane, PathProbes, SimDrivers.Kernel {
    private static final Logger log = LoggerFactory.getLogger(SimulatedKernel.class);
    private final BridgeBackplane bridge;
    private final SimNetwork network;
    private final long unregisterDelayMs;
    private final ScheduledExecutorService monitors = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-bonding-monitors");
        t.setDaemon(true);
        return t;
    });
    /** Events waiting for their time, in the order they must happen (their due times never decrease). */
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread kernelThread;
    private volatile Consumer<BackplaneEvent> sink;
    private volatile boolean running = true;
    private long lastDueNanos = System.nanoTime();

    private record Pending(BackplaneEvent event, long dueNanos) {}

    public SimulatedKernel(BridgeBackplane bridge, SimNetwork network, long unregisterDelayMs, long monitorTickMs) {
        this.bridge = bridge;
        this.network = network;
        this.unregisterDelayMs = unregisterDelayMs;
        monitors.scheduleAtFixedRate(network::advance, monitorTickMs, monitorTickMs, TimeUnit.MILLISECONDS);
        // A cut beyond the link: carrier stays, and the ARP monitor's targets stop answering.
        bridge.onSimulatedPath((ifname, up) -> {
            try {
                network.setPathReachable(ifname, up);
            } catch (RuntimeException x) {
                log.error("simulated kernel: path of {} {} not applied: {}", ifname, up ? "restored" : "cut", x.getMessage());
            }
        });
        kernelThread = new Thread(this::run, "sim-kernel");
        kernelThread.setDaemon(true);
    }

    @Override
    public void start(Consumer<BackplaneEvent> sink) {
        this.sink = sink;
        kernelThread.start();
        bridge.start(this::deliver);
    }

    /**
     * Runs on the bridge's reader. A lost link is felt at once; an interface disappears only
     * {@code unregisterDelayMs} after its card went; nothing else overtakes a pending removal,
     * so a card put back quickly never appears before the old one has gone.
     */
    private synchronized void deliver(BackplaneEvent e) {
        if (e instanceof BackplaneEvent.LinkChanged l && !l.carrier()) {
            happen(e);
            return;
        }
        boolean unregister = e instanceof BackplaneEvent.NetdevRemoved || e instanceof BackplaneEvent.CardRemoved;
        long due = System.nanoTime() + (unregister ? unregisterDelayMs * 1_000_000L : 0);
        if (due - lastDueNanos < 0) due = lastDueNanos;
        lastDueNanos = due;
        pending.add(new Pending(e, due));
    }

    private void run() {
        try {
            while (running) {
                Pending p = pending.poll(100, TimeUnit.MILLISECONDS);
                if (p == null) continue;
                long wait = p.dueNanos() - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                happen(p.event());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void happen(BackplaneEvent e) {
        try {
            apply(e);
        } catch (RuntimeException x) {
            // The model disagrees with the backplane (a bug either side): say so, and still
            // tell had, which must see every event the backplane raised.
            log.error("simulated kernel: {} not applied: {}", e, x.getMessage());
        }
        sink.accept(e);
    }

    private void apply(BackplaneEvent e) {
        if (e instanceof BackplaneEvent.NetdevAdded n) {
            network.addPort(n.ifname(), 1500);
        } else if (e instanceof BackplaneEvent.NetdevRemoved n) {
            network.removePort(n.ifname());
        } else if (e instanceof BackplaneEvent.LinkChanged l && l.slot() != 0) {
            network.setPhysicalLink(l.ifname(), l.carrier());
        }
    }

    @Override
    public void moduleChanged(String module, List<PciId> ids, boolean loaded) {
        String list = ids.stream().map(id -> String.format("%04x:%04x", id.vendor(), id.device()))
                .distinct().collect(Collectors.joining(","));
        bridge.simDriver(module, list, loaded);
    }

    @Override
    public Optional<String> boundDriver(String pciAddress) {
        for (BridgeBackplane.SlotInfo s : bridge.slots()) {
            for (BridgeBackplane.SlotFunction f : s.functions()) {
                if (f.function().address().equals(pciAddress) && f.driver() != null && !f.driver().isEmpty()) {
                    return Optional.of(f.driver());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void powerOn(int slot) {
        bridge.powerOn(slot);
    }

    @Override
    public void powerOff(int slot) {
        bridge.powerOff(slot);
    }

    @Override
    public void setHotSwapLed(int slot, boolean on) {
        bridge.setHotSwapLed(slot, on);
    }

    @Override
    public void setAttention(int slot, boolean on) {
        bridge.setAttention(slot, on);
    }

    @Override
    public void watch(String ifname, String bond, PathSupervision spec) {
        bridge.watch(ifname, bond, spec);
    }

    @Override
    public void unwatch(String ifname) {
        bridge.unwatch(ifname);
    }

    @Override
    public void hold(String ifname, boolean held) {
        bridge.hold(ifname, held);
    }

    @Override
    public Map<String, Status> paths() {
        return bridge.paths();
    }

    @Override
    public void close() {
        bridge.close();
        running = false;
        monitors.shutdown();
        try {
            kernelThread.join(2000);
            monitors.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
