package had.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * modprobe as an administrator runs it, one child process per call, bounded in time: what modprobe
 * said is the failure's message. Used for the cards' drivers and for the bonding driver.
 */
public final class Modprobe {
    private static final long TIMEOUT_SECONDS = 30;
    private final String program;

    /** A module could not be loaded or unloaded. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }

    public Modprobe(String program) {
        this.program = program;
    }

    /** Loads {@code module} (and what it depends on) with {@code parameters} ("name=value"). */
    public void load(String module, String... parameters) throws Failed {
        List<String> cmd = new ArrayList<>(List.of(program, "--", module));
        cmd.addAll(List.of(parameters));
        run(cmd, "load");
    }

    public void unload(String module) throws Failed {
        run(List.of(program, "-r", "--", module), "unload");
    }

    private static void run(List<String> cmd, String what) throws Failed {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Failed(String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new Failed("cannot " + what + ": " + (out.isEmpty() ? String.join(" ", cmd)
                        + " exited with status " + p.exitValue() : out));
            }
        } catch (IOException e) {
            throw new Failed("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed(String.join(" ", cmd) + " interrupted");
        }
    }
}
