package had.drivers.linux;

import had.drivers.DriverException;
import had.drivers.Drivers;
import had.os.Modprobe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Kernel modules the way an administrator handles them: modprobe to load and unload, sysfs to
 * see what is loaded and which driver a PCI function is bound to. {@code root} lets tests point
 * it at a temporary tree.
 */
public final class ModprobeDrivers implements Drivers {
    private final Path root;
    private final Modprobe modprobe;

    public ModprobeDrivers(Path root, Modprobe modprobe) {
        this.root = root;
        this.modprobe = modprobe;
    }

    public ModprobeDrivers() {
        this(Path.of("/"), new Modprobe("modprobe"));
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
        try {
            modprobe.load(module);
        } catch (Modprobe.Failed e) {
            throw new DriverException(e.getMessage());
        }
    }

    @Override
    public void unload(String module) {
        try {
            modprobe.unload(module);
        } catch (Modprobe.Failed e) {
            throw new DriverException(e.getMessage());
        }
    }
}
