package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import had.audit.Audit;
import had.audit.AuditEvent;
import had.audit.Commit;
import had.backplane.Backplane;
import had.config.ChassisConfig;
import had.config.DriverTable;
import had.config.SlotConfig;
import had.core.Chassis;
import had.core.Settings;
import had.drivers.Drivers;
import had.network.sim.SimNetwork;
import had.time.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A caller hears the answer only once what the call recorded was committed: durable, or, when the
 * disk refuses it, held by the log to be written as soon as the disk takes it.
 */
class EventLoopCommitTest {
    /** Tells recorded from committed, and committed from durable. */
    static final class Groups implements Audit {
        final List<AuditEvent> pending = new ArrayList<>();
        final List<AuditEvent> held = new ArrayList<>();
        final List<AuditEvent> durable = new ArrayList<>();
        volatile boolean diskRefuses;

        @Override
        public synchronized void record(AuditEvent e) {
            pending.add(e);
        }

        @Override
        public synchronized Commit commit() {
            held.addAll(pending);
            pending.clear();
            if (diskRefuses) return new Commit.Held(held.size(), "No space left on device");
            durable.addAll(held);
            held.clear();
            return Commit.DURABLE;
        }

        synchronized int uncommitted() {
            return pending.size();
        }

        synchronized int notDurable() {
            return pending.size() + held.size();
        }
    }

    @Test
    void aCallIsAnsweredOnlyAfterItsRecordsAreDurable() throws Exception {
        assertEquals(List.of(0, 0), answerSeen(false));
    }

    @Test
    void onADiskThatRefusesThemACallIsAnsweredOnceItsRecordsAreHeld() throws Exception {
        assertEquals(List.of(0, 1), answerSeen(true), "committed, not durable: the answer does not wait for the disk");
    }

    /**
     * Records of an action are written ahead of it, and committed before the next event is acted
     * on, even when more events wait (events that only record share the commit once the queue is empty).
     */
    @Test
    void anEventThatActedIsCommittedBeforeTheNextEventIsActedOn() throws Exception {
        Groups audit = new Groups();
        ChassisConfig config = new ChassisConfig(Path.of("had.conf"), Path.of("pcidrivers.conf"), Set.of(), Map.of(), Map.of(),
                Map.of(2, new SlotConfig(2, Map.of(), null, null, 1)), new DriverTable(List.of()));
        Backplane backplane = mock(Backplane.class);
        Chassis chassis = new Chassis(config, new Settings(1_000, 0), backplane, new SimNetwork(Clock.SYSTEM),
                mock(Drivers.class), audit, Clock.SYSTEM);
        EventLoop loop = new EventLoop(chassis, Clock.SYSTEM, 60_000);
        CountDownLatch hold = held(loop);
        CompletableFuture<Integer> seenByNext = new CompletableFuture<>();
        loop.post(() -> chassis.powerOn(2, "test"));
        loop.post(() -> seenByNext.complete(audit.uncommitted()));
        loop.start();
        try {
            hold.countDown();
            assertEquals(0, seenByNext.get(5, TimeUnit.SECONDS), "the power-on's records, committed before the next event");
            verify(backplane).powerOn(2);
        } finally {
            loop.close();
        }
    }

    /** A first task that holds the loop until the latch is counted down: what is posted after it queues. */
    private static CountDownLatch held(EventLoop loop) {
        CountDownLatch hold = new CountDownLatch(1);
        loop.post(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return hold;
    }

    /** Records not committed and records not durable when the answer was given. */
    private static List<Integer> answerSeen(boolean diskRefuses) throws Exception {
        Groups audit = new Groups();
        audit.diskRefuses = diskRefuses;
        ChassisConfig config = new ChassisConfig(Path.of("had.conf"), Path.of("pcidrivers.conf"), Set.of(), Map.of(), Map.of(),
                Map.of(), new DriverTable(List.of()));
        Chassis chassis = new Chassis(config, new Settings(1_000, 0), mock(Backplane.class), new SimNetwork(Clock.SYSTEM),
                mock(Drivers.class), audit, Clock.SYSTEM);
        EventLoop loop = new EventLoop(chassis, Clock.SYSTEM, 60_000);
        CountDownLatch hold = held(loop);
        loop.start();
        try {
            // Registered before the call runs, so it runs on the loop's thread the moment the answer is given.
            CompletableFuture<List<Integer>> atAnswer = loop.call(c -> {
                audit.record(AuditEvent.of("drill.step").with("step", 1).build());
                return null;
            }).thenApply(v -> List.of(audit.uncommitted(), audit.notDurable()));
            hold.countDown();
            return atAnswer.get(5, TimeUnit.SECONDS);
        } finally {
            loop.close();
        }
    }
}
