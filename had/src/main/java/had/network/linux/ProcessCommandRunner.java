package had.network.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes; a command that hangs is killed, since iproute2 never should. */
public final class ProcessCommandRunner implements CommandRunner {
    private final long timeoutMillis;

    public ProcessCommandRunner(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public ProcessCommandRunner() {
        this(10_000);
    }

    @Override
    public Result run(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            return new Result(127, "", e.getMessage());
        }
        // Both pipes are drained at once so that a chatty stderr cannot block the child.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, "", String.join(" ", argv) + ": no answer within " + timeoutMillis + " ms");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
