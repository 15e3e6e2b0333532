package had.daemon;

import had.core.Chassis;
import had.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the core. Adapters and clients post work; the loop runs it in order,
 * runs the core's timers when due, and looks at the network now and then in case a change went
 * unreported. A failure in one task is logged and the loop goes on: the daemon never dies on
 * one bad event.
 *
 * <p>The core commits its audit records before it acts and when it has settled; the loop commits
 * whatever else was recorded (heartbeats, drill steps) before it waits, and a {@link #call}'s
 * answer is handed back only after its records were committed: no client hears of an action
 * before the log had its chance to make it durable. When the disk refuses them the records are
 * held and the answer is given all the same (the action was carried out); status says the log is
 * behind until they are written. Every commit goes through {@link Chassis#commit}, so the core
 * learns when records were lost.
 *
 * <p>Every timer of the daemon's work is the loop's (as in teamd's one loop): the core's deadlines,
 * the housekeeping look, and the periodic tasks given to {@link #every} (the heartbeat record, the
 * systemd watchdog's keep-alive). A stuck loop runs none of them, which is what the heartbeat and
 * the watchdog are there to show. The one exception is on purpose: the control socket's idle and
 * request time limits run on its own selector thread ({@code ControlServer}), because the request
 * limit is what answers a client when this loop is stuck.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final Runnable STOP = () -> { };

    private final Chassis chassis;
    private final Clock clock;
    private final long housekeepingNanos;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    /** The periodic tasks: only the loop's thread touches the list (others post to it). */
    private final java.util.List<Periodic> periodic = new java.util.ArrayList<>();

    private static final class Periodic {
        final long periodNanos;
        final Consumer<Chassis> task;
        long due;
        volatile boolean cancelled;

        Periodic(long periodNanos, Consumer<Chassis> task, long due) {
            this.periodNanos = periodNanos;
            this.task = task;
            this.due = due;
        }
    }

    public EventLoop(Chassis chassis, Clock clock, long housekeepingMillis) {
        this.chassis = chassis;
        this.clock = clock;
        this.housekeepingNanos = housekeepingMillis * 1_000_000L;
        this.thread = new Thread(this::run, "had-core");
    }

    public void start() {
        thread.start();
    }

    public void post(Runnable task) {
        if (!stopping) queue.add(task);
    }

    /**
     * Runs {@code task} on the loop every {@code periodMillis}, the first time one period from now.
     * A run that comes late is not made up for: the next is one period after it. Closing the
     * returned handle cancels it: no run starts after that.
     */
    public AutoCloseable every(long periodMillis, Consumer<Chassis> task) {
        if (periodMillis <= 0) throw new IllegalArgumentException("period " + periodMillis + " ms");
        long period = periodMillis * 1_000_000L;
        Periodic p = new Periodic(period, task, clock.nanos() + period);
        post(() -> periodic.add(p));
        return () -> {
            p.cancelled = true;
            post(() -> periodic.remove(p));
        };
    }

    /** When the next periodic task is due, or {@code fallback} when none is sooner. */
    private long nextPeriodic(long fallback) {
        long next = fallback;
        for (Periodic p : periodic) if (p.due - next < 0) next = p.due;
        return next;
    }

    private void runPeriodic(long now) {
        for (Periodic p : java.util.List.copyOf(periodic)) {
            if (p.cancelled || now - p.due < 0) continue;
            p.due = now + p.periodNanos;
            safely(() -> p.task.accept(chassis));
        }
    }

    /** Runs {@code f} on the core thread and hands its answer back. */
    public <T> CompletableFuture<T> call(Function<Chassis, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> {
            T answer;
            try {
                answer = f.apply(chassis);
            } catch (RuntimeException e) {
                safely(chassis::commit);
                result.completeExceptionally(e);
                return;
            }
            safely(chassis::commit);
            result.complete(answer);
        });
        if (stopping) result.completeExceptionally(new IllegalStateException("had is stopping"));
        return result;
    }

    private void run() {
        long nextLook = clock.nanos() + housekeepingNanos;
        while (true) {
            long now = clock.nanos();
            long until = nextPeriodic(Math.min(nextLook, chassis.nextDeadline()));
            long wait = Math.max(0, until - now);
            Runnable task;
            try {
                task = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) return;
            if (task != null) safely(task);
            now = clock.nanos();
            if (now - chassis.nextDeadline() >= 0) safely(chassis::tick);
            runPeriodic(now);
            if (queue.isEmpty() || now - nextLook >= 0) {
                nextLook = now + housekeepingNanos;
                safely(chassis::settle);
            }
            // An event's actions were written ahead of them: durable before the next event is acted
            // on. Events that only recorded share the commit once the queue is empty.
            if (queue.isEmpty() || chassis.actedUncommitted()) safely(chassis::commit);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) throw vme;
            log.error("event handling failed; had carries on: {}", e.toString(), e);
        }
    }

    /** Finishes the work already queued (the action in flight included), then stops. */
    @Override
    public void close() {
        stopping = true;
        queue.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
