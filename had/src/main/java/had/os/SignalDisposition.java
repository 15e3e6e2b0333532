package had.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the kernel will do with a signal sent to this process, for the one case the JVM hides: a
 * signal ignored when the process started (SIGHUP under {@code nohup}) stays ignored, since the JVM
 * installs no handler on an ignored signal and its API still reports success.
 */
public final class SignalDisposition {
    private static final long SIG_DFL = 0;
    private static final long SIG_ERR = -1;

    private SignalDisposition() {}

    /**
     * Whether {@code signo} is ignored, as the kernel says ({@code SigIgn:} in /proc/self/status);
     * empty when that cannot be read.
     */
    public static Optional<Boolean> ignored(int signo) {
        return ignored(Path.of("/proc/self/status"), signo);
    }

    static Optional<Boolean> ignored(Path status, int signo) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                    return Optional.of((mask >>> (signo - 1) & 1) != 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or a format this code does not know: say nothing rather than guess
        }
        return Optional.empty();
    }

    /** Back to the default action (SIG_DFL), so that the JVM will install its handler. */
    public static void reset(int signo) throws IOException {
        if (LibC.get().signal(signo, SIG_DFL) == SIG_ERR) throw new IOException(LibC.describe("signal(" + signo + ", SIG_DFL)"));
    }
}
