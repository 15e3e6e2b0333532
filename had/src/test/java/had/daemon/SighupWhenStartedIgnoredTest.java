package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditReader;
import had.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * had started with SIGHUP ignored, as {@code nohup} starts it (a shell's {@code trap '' HUP} before
 * exec does the same: an ignored signal stays ignored across exec): {@code kill -HUP} still
 * reloads the configuration. A separate process, since a signal's disposition is the process's.
 */
class SighupWhenStartedIgnoredTest {
    /** Runs the command after it with SIGHUP ignored. */
    private static final List<String> HUP_IGNORED = List.of("/bin/sh", "-c", "trap '' HUP; exec \"$0\" \"$@\"");

    @TempDir
    Path dir;

    @Test
    void theWrapperReallyStartsItsCommandWithSighupIgnored() throws Exception {
        List<String> cmd = new ArrayList<>(HUP_IGNORED);
        cmd.addAll(List.of("grep", "^SigIgn:", "/proc/self/status"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long mask = Long.parseUnsignedLong(out.substring("SigIgn:".length()).trim(), 16);
        assertEquals(1, mask & 1, "SIGHUP (bit 0) ignored: " + out);
    }

    @Test
    void sighupReloadsAHadStartedWithItIgnored() throws Exception {
        Path state = dir.resolve("state");
        List<String> cmd = new ArrayList<>(HUP_IGNORED);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-Dhad.bridge.lib=" + System.getProperty("had.bridge.lib"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--simulate", "-c", "conf/had.conf", "-d", "conf/pcidrivers.conf", "--state-dir", state.toString()));
        Process had = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(had.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // had is gone
            }
        }, "had-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await(() -> said(output, "had control socket:"), "had serves its control socket", output, had);
            Path audit = state.resolve("audit.log");
            int before = applied(audit);
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(had.pid())).start();
            assertEquals(0, kill.waitFor());
            await(() -> applied(audit) > before, "the reload on SIGHUP is recorded (config.applied)", output, had);
            await(() -> said(output, "configuration reloaded on SIGHUP"), "had's log names SIGHUP", output, had);
            assertTrue(had.isAlive(), "had lives on after SIGHUP:\n" + output);
        } finally {
            had.destroy();
            if (!had.waitFor(10, TimeUnit.SECONDS)) had.destroyForcibly().waitFor();
        }
    }

    private static boolean said(StringBuilder output, String what) {
        synchronized (output) {
            return output.indexOf(what) >= 0;
        }
    }

    private static int applied(Path audit) {
        if (!Files.exists(audit)) return 0;
        int[] n = {0};
        try {
            AuditReader.read(audit, r -> {
                if ("config.applied".equals(r.get("type"))) n[0]++;
            });
        } catch (IOException | RuntimeException e) {
            return 0; // being written: read again
        }
        return n[0];
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition c, String what, StringBuilder output, Process had) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.holds()) {
            if (System.nanoTime() > deadline || !had.isAlive()) {
                synchronized (output) {
                    throw new AssertionError("not seen: " + what + (had.isAlive() ? "" : " (had exited)") + "\n" + output);
                }
            }
            Thread.sleep(20);
        }
    }
}
