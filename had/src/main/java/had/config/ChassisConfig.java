package had.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole validated configuration: /etc/had.conf plus /etc/pcidrivers.conf. Only
 * {@link ConfigLoader} makes one, and only from files without a single error, so the core never
 * sees a half-valid configuration. {@code metrics} is null when had serves no metrics.
 */
public record ChassisConfig(
        Path hadConf,
        Path driversConf,
        Set<Integer> domains,
        Map<String, BondConfig> bonds,
        Map<String, PortConfig> configs,
        Map<Integer, SlotConfig> slots,
        DriverTable drivers,
        HotSwapPolicy hotswap,
        MetricsConfig metrics) {

    public ChassisConfig {
        domains = Set.copyOf(domains);
        hotswap = hotswap.over(HotSwapPolicy.DEFAULT);
        bonds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bonds));
        configs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configs));
        slots = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(slots));
    }

    /** A configuration with had's default hot-swap policy. */
    public ChassisConfig(Path hadConf, Path driversConf, Set<Integer> domains, Map<String, BondConfig> bonds,
                         Map<String, PortConfig> configs, Map<Integer, SlotConfig> slots, DriverTable drivers) {
        this(hadConf, driversConf, domains, bonds, configs, slots, drivers, HotSwapPolicy.DEFAULT);
    }

    /** A configuration that serves no metrics. */
    public ChassisConfig(Path hadConf, Path driversConf, Set<Integer> domains, Map<String, BondConfig> bonds,
                         Map<String, PortConfig> configs, Map<Integer, SlotConfig> slots, DriverTable drivers,
                         HotSwapPolicy hotswap) {
        this(hadConf, driversConf, domains, bonds, configs, slots, drivers, hotswap, null);
    }

    /** Slot {@code slot}'s hot-swap policy: its own keys, else [hotswap]'s, else had's defaults. */
    public HotSwapPolicy policy(int slot) {
        SlotConfig sc = slots.get(slot);
        return sc == null ? hotswap : sc.policy().over(hotswap);
    }

    /** The configs for one port of a card: empty when had.conf says nothing about it. */
    public List<PortConfig> configsFor(int slot, int subdevice) {
        SlotConfig sc = slots.get(slot);
        if (sc == null) return List.of();
        List<String> names = sc.ports().get(subdevice);
        if (names == null) return List.of();
        return names.stream().map(configs::get).toList();
    }
}
