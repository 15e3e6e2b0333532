package had.drivers.linux;

import had.drivers.DriverException;
import had.drivers.Drivers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kernel modules the way an administrator handles them: modprobe to load and unload, sysfs to
 * see what is loaded and which driver a PCI function is bound to. {@code root} lets tests point
 * it at a temporary tree.
 */
public final class ModprobeDrivers implements Drivers {
    private static final long TIMEOUT_SECONDS = 30;
    private final Path root;
    private final String modprobe;

    public ModprobeDrivers(Path root, String modprobe) {
        this.root = root;
        this.modprobe = modprobe;
    }

    public ModprobeDrivers() {
        this(Path.of("/"), "modprobe");
    }

    @Override
    public Optional<String> boundDriver(String pciAddress) {
        Path link = root.resolve("sys/bus/pci/devices").resolve(pciAddress).resolve("driver");
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean isLoaded(String module) {
        // Built-in drivers have /sys/module/NAME too, which is what "loaded" must mean here.
        return Files.isDirectory(root.resolve("sys/module").resolve(module.replace('-', '_')));
    }

    @Override
    public void load(String module) {
        run(List.of(modprobe, "--", module), "load");
    }

    @Override
    public void unload(String module) {
        run(List.of(modprobe, "-r", "--", module), "unload");
    }

    private void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DriverException(String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new DriverException("cannot " + what + ": " + (out.isEmpty() ? String.join(" ", cmd)
                        + " exited with status " + p.exitValue() : out));
            }
        } catch (IOException e) {
            throw new DriverException("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(String.join(" ", cmd) + " interrupted");
        }
    }
}
