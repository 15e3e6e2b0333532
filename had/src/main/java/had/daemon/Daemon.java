package had.daemon;

import had.audit.AuditEvent;
import had.audit.AuditLog;
import had.backplane.Backplane;
import had.backplane.PathProbes;
import had.config.ChassisConfig;
import had.core.Chassis;
import had.core.Settings;
import had.drivers.Drivers;
import had.metrics.CoreView;
import had.metrics.LiveAvailability;
import had.network.Network;
import had.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * had assembled: the core, its event loop, and the adapters it was given. The same assembly
 * runs on a chassis (kernel backplane, Linux network, modprobe) and on the simulated chassis.
 */
public final class Daemon implements AutoCloseable {
    /** How often the loop looks at the network even when nothing reported a change. */
    static final long HOUSEKEEPING_MS = 1000;
    /** How long a stop waits for extractions under way: a quiesce window and a power-off, well within systemd's TimeoutStopSec. */
    static final long STOP_WAIT_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final Backplane backplane;
    private final AuditLog audit;
    private final Chassis chassis;
    private final EventLoop loop;
    private final long startedAt;
    private final Clock clock;
    private final Heartbeat heartbeat;
    private final ChassisConfig startConfig;
    private final LiveAvailability availability = new LiveAvailability();

    public Daemon(ChassisConfig config, Settings settings, Backplane backplane, Network network, Drivers drivers,
                  AuditLog audit, Clock clock) {
        this.backplane = backplane;
        this.audit = audit;
        this.clock = clock;
        this.chassis = new Chassis(config, settings, backplane,
                backplane instanceof PathProbes probes ? probes : PathProbes.NONE, network, drivers, audit, clock);
        this.loop = new EventLoop(chassis, clock, HOUSEKEEPING_MS);
        this.startedAt = clock.nanos();
        this.heartbeat = new Heartbeat(audit, loop, audit.settings().heartbeatMillis());
        this.startConfig = config;
        audit.follow(availability);
    }

    public void start(String mode) {
        audit.record(AuditEvent.of("daemon.start").with("mode", mode).with("pid", ProcessHandle.current().pid()).build());
        audit.commit();
        loop.start();
        backplane.start(event -> loop.post(() -> chassis.handle(event)));
        heartbeat.start();
    }

    public EventLoop loop() {
        return loop;
    }

    public AuditLog audit() {
        return audit;
    }

    /** The configuration had started with (reloads apply theirs through the core). */
    public ChassisConfig startConfig() {
        return startConfig;
    }

    /** Availability so far, from the records of this run made durable. */
    public LiveAvailability availability() {
        return availability;
    }

    /** The core's slots and bonds, read on its thread in one turn, and how long the request waited for it. */
    public java.util.concurrent.CompletableFuture<CoreView> view() {
        long posted = clock.nanos();
        return loop.call(c -> {
            long now = clock.nanos();
            return new CoreView(c.slots(), c.bonds(), now - posted, now);
        });
    }

    /**
     * A card whose traffic has moved off it is taken the rest of the way out (released, powered
     * off, blue LED lit: what the technician holding its handle waits for) before had stops,
     * rather than left half out of its bonds with nobody to finish or undo it. The loop keeps
     * running meanwhile: the quiesce window ends on its own timer. Bounded in real time, whatever
     * the core's clock: a stop never waits longer than {@link #STOP_WAIT_MS}.
     */
    private void finishExtractionsUnderway() {
        long end = System.nanoTime() + STOP_WAIT_MS * 1_000_000L;
        boolean said = false;
        while (true) {
            List<Integer> underway;
            try {
                underway = loop.call(Chassis::extractionsUnderway).get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("stopping without finishing extractions: the core did not answer ({})", e.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (underway.isEmpty()) return;
            if (!said) {
                log.info("stopping: first finishing the extraction of slot {} (its traffic has moved off the card)",
                        slotList(underway));
                said = true;
            }
            if (System.nanoTime() - end >= 0) {
                log.warn("stopping with the extraction of slot {} unfinished after {} ms", slotList(underway), STOP_WAIT_MS);
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String slotList(List<Integer> slots) {
        return slots.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    public long uptimeNanos() {
        return clock.nanos() - startedAt;
    }

    /**
     * Finishes the extractions that have begun moving traffic, stops taking events, finishes the
     * action in flight, records the stop.
     */
    @Override
    public void close() {
        heartbeat.close();
        finishExtractionsUnderway();
        backplane.close();
        loop.close();
        audit.record(AuditEvent.of("daemon.stop").build());
        audit.close();
    }
}
