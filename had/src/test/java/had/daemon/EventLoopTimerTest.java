package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.backplane.Backplane;
import had.config.ChassisConfig;
import had.config.DriverTable;
import had.core.Chassis;
import had.core.Settings;
import had.drivers.Drivers;
import had.network.sim.SimNetwork;
import had.time.Clock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The loop's periodic tasks (the heartbeat, the watchdog's keep-alive) run on the loop's own
 * thread, none while the loop is stuck, and stop when cancelled.
 */
class EventLoopTimerTest {
    private static EventLoop loop() {
        Audit audit = new Audit() {
            @Override
            public void record(AuditEvent event) {
            }
        };
        ChassisConfig config = new ChassisConfig(Path.of("had.conf"), Path.of("pcidrivers.conf"), Set.of(), Map.of(), Map.of(),
                Map.of(), new DriverTable(List.of()));
        Chassis chassis = new Chassis(config, new Settings(1_000, 0), mock(Backplane.class), new SimNetwork(Clock.SYSTEM),
                mock(Drivers.class), audit, Clock.SYSTEM);
        return new EventLoop(chassis, Clock.SYSTEM, 60_000);
    }

    @Test
    void aPeriodicTaskRunsOnTheLoopNotWhileItIsStuckAndNotOnceCancelled() throws Exception {
        EventLoop loop = loop();
        loop.start();
        try {
            AtomicInteger runs = new AtomicInteger();
            AtomicReference<String> thread = new AtomicReference<>();
            AutoCloseable timer = loop.every(20, c -> {
                thread.set(Thread.currentThread().getName());
                runs.incrementAndGet();
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runs.get() < 5 && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(runs.get() >= 5, "ran " + runs.get() + " times in 5 s at a 20 ms period");
            assertEquals("had-core", thread.get());

            // A stuck loop runs none: that is what the watchdog's silence tells systemd.
            CountDownLatch stuck = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.post(() -> {
                stuck.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stuck.await(5, TimeUnit.SECONDS);
            int before = runs.get();
            Thread.sleep(200);
            assertEquals(before, runs.get(), "no run while the loop is stuck");
            release.countDown();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runs.get() == before && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(10);
            // The ~10 runs missed while stuck are not made up for in a burst.
            assertTrue(runs.get() - before <= 2, "runs after the loop was freed: " + (runs.get() - before));

            timer.close();
            loop.call(c -> null).get(5, TimeUnit.SECONDS);
            int atCancel = runs.get();
            Thread.sleep(150);
            assertEquals(atCancel, runs.get(), "no run after the timer was closed");
        } finally {
            loop.close();
        }
    }
}
