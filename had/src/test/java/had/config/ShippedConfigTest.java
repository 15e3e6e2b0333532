package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.PathSupervision;
import had.backplane.PciId;
import had.network.BondMode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The files in conf/ are what operators copy: they must be valid and say what the seed says. */
class ShippedConfigTest {
    static final Path HAD_CONF = Path.of("conf/had.conf");
    static final Path DRIVERS = Path.of("conf/pcidrivers.conf");

    @Test
    void hadConfIsTheMotorola8216Example() {
        LoadResult r = new ConfigLoader().load(HAD_CONF, DRIVERS);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.warnings());
        ChassisConfig c = r.config();
        assertEquals(Set.of(1, 2), c.domains());
        BondConfig bond0 = c.bonds().get("bond0");
        assertEquals("[10.0.1.1/24]", bond0.addresses().toString());
        assertEquals(BondMode.ACTIVE_BACKUP, bond0.options().mode());
        assertEquals(100, bond0.options().miimon());
        assertEquals(new SlotPort(2, 0), bond0.primary());
        PortConfig config1 = c.configs().get("config1");
        assertEquals("10.0.2.1/24", config1.address().toString());
        assertEquals("10.0.2.255", config1.address().broadcast().getHostAddress());
        assertEquals("bond0", c.configs().get("config2").bond());
        assertEquals(Map.of(0, List.of("config2"), 1, List.of("config2")), c.slots().get(2).ports());
        assertEquals(Map.of(0, List.of("config2"), 1, List.of("config2")), c.slots().get(12).ports());
        assertEquals(Map.of(0, List.of("config1")), c.slots().get(16).ports());
    }

    @Test
    void pcidriversConfKnowsTheLabCards() {
        DriverTable t = new ConfigLoader().load(HAD_CONF, DRIVERS).config().drivers();
        assertEquals(Optional.of("e1000e"), t.moduleFor(new PciId(0x8086, 0x10d3)));
        assertEquals(Optional.of("e1000"), t.moduleFor(new PciId(0x8086, 0x100e)));
        assertEquals(Optional.of("e1000e"), t.moduleFor(new PciId(0x8086, 0x105e)));
        assertEquals(Optional.of("igb"), t.moduleFor(new PciId(0x8086, 0x1521)));
        assertTrue(t.entries().stream().anyMatch(e -> e.id().subVendor() != PciId.ANY), "a subsystem-id line");
    }

    @Test
    void everyExampleIsValid() throws IOException {
        List<Path> examples = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("conf/examples"), "*.conf")) {
            dir.forEach(examples::add);
        }
        assertFalse(examples.isEmpty());
        for (Path p : examples) {
            assertEquals(List.of(), new ConfigLoader().load(p, DRIVERS).errors(), p.toString());
        }
    }

    @Test
    void vlanBondsExampleIsSeed000() {
        ChassisConfig c = new ConfigLoader().load(Path.of("conf/examples/vlan-bonds.conf"), DRIVERS).config();
        BondConfig b253 = c.bonds().get("bond253");
        BondConfig b254 = c.bonds().get("bond254");
        assertEquals(new SlotPort(3, 0), b253.primary());
        assertEquals(new SlotPort(3, 1), b254.primary());
        assertEquals(500, b253.options().arpInterval());
        assertEquals(0, b253.options().miimon());
        assertEquals(9000, b253.mtu());
        assertEquals(253, c.configs().get("vlan253").vlan());
        assertEquals(List.of("vlan253", "vlan254"), c.slots().get(3).ports().get(0));
        assertEquals(List.of("vlan253", "vlan254"), c.slots().get(3).ports().get(1));
    }

    /** The commented path_ lines of vlan-bonds.conf are what an operator uncomments: they must be valid. */
    @Test
    void vlanBondsExampleWithItsPathSupervisionUncommented() throws IOException {
        Path example = Path.of("conf/examples/vlan-bonds.conf");
        String text = Files.readString(example);
        assertNull(new ConfigLoader().load(example, DRIVERS).config().bonds().get("bond253").paths());
        String uncommented = text.replaceAll("(?m)^# (path_\\w+ = )", "$1");
        assertEquals(4, uncommented.lines().filter(l -> l.startsWith("path_")).count(), "four commented path_ lines");
        LoadResult r = new ConfigLoader().parse(example, uncommented, DRIVERS, Files.readString(DRIVERS));
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.warnings().stream().filter(w -> w.message().contains("path_")).toList());
        PathSupervision p = r.config().bonds().get("bond253").paths();
        assertEquals("10.253.0.254,fd00:253:0:0:0:0:0:254", p.targetList());
        assertEquals(50, p.intervalMs());
        assertEquals(3, p.missed());
        assertEquals(2, p.answered());
        // Instead of the ARP monitor, as the comment says.
        String instead = uncommented.replaceFirst("arp_interval = 500\narp_validate = 3\narp_ip_target = 10.253.0.254\n",
                "miimon = 100\n");
        assertFalse(instead.equals(uncommented));
        LoadResult i = new ConfigLoader().parse(example, instead, DRIVERS, Files.readString(DRIVERS));
        assertEquals(List.of(), i.errors());
        assertEquals(0, i.config().bonds().get("bond253").options().arpInterval());
        assertTrue(i.config().bonds().get("bond253").supervised());
    }
}
