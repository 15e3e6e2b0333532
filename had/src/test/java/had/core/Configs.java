package had.core;

import had.backplane.PathSupervision;
import had.backplane.PciId;
import had.config.BondConfig;
import had.config.ChassisConfig;
import had.config.DriverTable;
import had.config.PortConfig;
import had.config.SlotConfig;
import had.config.SlotPort;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.IfAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configurations for tests, built directly so core tests do not depend on the file parser. */
final class Configs {
    static final PciId E1000E = new PciId(0x8086, 0x10d3);
    static final PciId UNKNOWN = new PciId(0x1234, 0x5678);

    private Configs() {}

    static Inet4Address ip(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static DriverTable drivers() {
        return new DriverTable(List.of(new DriverTable.Entry(E1000E, "e1000e", 1),
                new DriverTable.Entry(new PciId(0x8086, 0x100e), "e1000", 2)));
    }

    /** Seed 004's Motorola 8216: bond0 of slots 2 and 12 (primary slot 2 port 0), slot 16 plain. */
    static ChassisConfig motorola8216() {
        return motorola8216(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
    }

    static ChassisConfig motorola8216(BondOptions bond0) {
        Map<String, BondConfig> bonds = new LinkedHashMap<>();
        bonds.put("bond0", new BondConfig("bond0", List.of(new IfAddress(ip("10.0.1.1"), 24)), 0, bond0,
                bond0.mode().hasActiveSlave() ? new SlotPort(2, 0) : null, 2));
        Map<String, PortConfig> configs = new LinkedHashMap<>();
        configs.put("config1", new PortConfig("config1", new IfAddress(ip("10.0.2.1"), 24), null, 0, 0, 7));
        configs.put("config2", new PortConfig("config2", null, "bond0", 0, 0, 12));
        Map<Integer, SlotConfig> slots = new LinkedHashMap<>();
        slots.put(2, new SlotConfig(2, Map.of(0, List.of("config2"), 1, List.of("config2")), 14));
        slots.put(12, new SlotConfig(12, Map.of(0, List.of("config2"), 1, List.of("config2")), 17));
        slots.put(16, new SlotConfig(16, Map.of(0, List.of("config1")), 20));
        return new ChassisConfig(Path.of("had.conf"), Path.of("pcidrivers.conf"), Set.of(1, 2), bonds, configs,
                slots, drivers());
    }

    /** The Motorola 8216 with bond0's paths supervised: probes to 10.0.1.100 every 20 ms. */
    static ChassisConfig supervised(BondOptions bond0) {
        ChassisConfig c = motorola8216(bond0);
        BondConfig b = c.bonds().get("bond0");
        Map<String, BondConfig> bonds = new LinkedHashMap<>(c.bonds());
        bonds.put("bond0", new BondConfig(b.name(), b.addresses(), b.mtu(), b.options(), b.primary(),
                new PathSupervision(List.of(ip("10.0.1.100")), 20, 3, 2), b.line()));
        return new ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), bonds, c.configs(), c.slots(), c.drivers());
    }

    /** Seed 000: bond253 and bond254 of VLANs on both ports of a dual card in slot 3. */
    static ChassisConfig vlanBonds() {
        BondOptions ab = BondOptions.defaults(BondMode.ACTIVE_BACKUP);
        Map<String, BondConfig> bonds = new LinkedHashMap<>();
        bonds.put("bond253", new BondConfig("bond253", List.of(new IfAddress(ip("192.168.253.1"), 24)), 9000, ab,
                new SlotPort(3, 0), 1));
        bonds.put("bond254", new BondConfig("bond254", List.of(new IfAddress(ip("192.168.254.1"), 24)), 9000, ab,
                new SlotPort(3, 1), 5));
        Map<String, PortConfig> configs = new LinkedHashMap<>();
        configs.put("v253", new PortConfig("v253", null, "bond253", 253, 0, 9));
        configs.put("v254", new PortConfig("v254", null, "bond254", 254, 0, 12));
        Map<Integer, SlotConfig> slots = Map.of(3, new SlotConfig(3,
                Map.of(0, List.of("v253", "v254"), 1, List.of("v253", "v254")), 15));
        return new ChassisConfig(Path.of("vlan.conf"), Path.of("pcidrivers.conf"), Set.of(), bonds, configs, slots,
                drivers());
    }

    /** motorola8216 with slot 16 expecting {@code card}. */
    static had.config.ChassisConfig expecting(PciId card) {
        had.config.ChassisConfig c = Configs.motorola8216();
        Map<Integer, had.config.SlotConfig> slots = new java.util.LinkedHashMap<>(c.slots());
        had.config.SlotConfig s16 = slots.get(16);
        slots.put(16, new had.config.SlotConfig(16, s16.ports(), card, s16.policy(), s16.line()));
        return new had.config.ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(), c.configs(), slots,
                c.drivers());
    }
}
