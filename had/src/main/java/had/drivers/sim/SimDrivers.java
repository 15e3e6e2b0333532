package had.drivers.sim;

import had.backplane.PciId;
import had.config.DriverTable;
import had.drivers.DriverException;
import had.drivers.Drivers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kernel modules of the simulated chassis. Loading a module tells the simulated kernel which
 * PCI ids it drives, so cards with those ids grow their network interfaces, as on Linux. A
 * module can be told to fail, so drills and tests can rehearse a driver that will not load.
 */
public final class SimDrivers implements Drivers {
    /** The simulated kernel's side: what happens when a module comes or goes. */
    public interface Kernel {
        void moduleChanged(String module, List<PciId> ids, boolean loaded);

        Optional<String> boundDriver(String pciAddress);
    }

    private final DriverTable table;
    private final Kernel kernel;
    private final Set<String> loaded = new LinkedHashSet<>();
    private final Map<String, String> failing = new HashMap<>();

    public SimDrivers(DriverTable table, Kernel kernel) {
        this.table = table;
        this.kernel = kernel;
    }

    /** From now on loading {@code module} fails with {@code message} (null: loads again). */
    public synchronized void failOnLoad(String module, String message) {
        if (message == null) failing.remove(module);
        else failing.put(module, message);
    }

    @Override
    public Optional<String> boundDriver(String pciAddress) {
        return kernel.boundDriver(pciAddress);
    }

    @Override
    public synchronized boolean isLoaded(String module) {
        return loaded.contains(module);
    }

    @Override
    public synchronized void load(String module) {
        String failure = failing.get(module);
        if (failure != null) throw new DriverException(failure);
        if (!loaded.add(module)) return;
        kernel.moduleChanged(module, idsOf(module), true);
    }

    @Override
    public synchronized void unload(String module) {
        if (!loaded.remove(module)) throw new DriverException("modprobe: FATAL: Module " + module + " is not in kernel.");
        kernel.moduleChanged(module, idsOf(module), false);
    }

    private List<PciId> idsOf(String module) {
        List<PciId> ids = new ArrayList<>();
        for (DriverTable.Entry e : table.entries()) if (e.module().equals(module)) ids.add(e.id());
        return ids;
    }
}
