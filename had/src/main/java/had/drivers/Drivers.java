package had.drivers;

import java.util.Optional;

/** Kernel modules: load and unload them, and ask which one a PCI function is bound to. */
public interface Drivers {
    /** The driver bound to the PCI function at {@code pciAddress} (e.g. "0000:02:00.0"), if any. */
    Optional<String> boundDriver(String pciAddress);

    boolean isLoaded(String module);

    /** Loads {@code module}; throws {@link DriverException} with the loader's own words when it fails. */
    void load(String module);

    void unload(String module);
}
