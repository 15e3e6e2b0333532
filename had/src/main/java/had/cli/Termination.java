package had.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and SIGINT, the systemd way: the signal asks the daemon to stop, the main thread
 * finishes the action in flight and closes everything, and only then does the JVM exit.
 */
final class Termination {
    /** How long a stop may take before the JVM exits regardless. */
    private static final long GRACE_SECONDS = 20;
    private static volatile boolean signalled;

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    Termination() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled = true;
            requested.countDown();
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "had-stop"));
    }

    void await() {
        try {
            requested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void finished() {
        finished.countDown();
    }

    /** True once a signal started the JVM's shutdown: System.exit would then block forever. */
    static boolean signalled() {
        return signalled;
    }
}
