package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import had.backplane.PciId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** pcidrivers.conf. */
class DriversFileTest extends ConfigTestSupport {
    private static final String FORMAT = "write VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE]  MODULE, e.g. 8086:10d3  e1000e";

    private DriverTable table(String drivers) {
        LoadResult r = load(VALID, drivers);
        assertEquals(List.of(), render(r.errors()));
        return r.config().drivers();
    }

    @Test
    void idsCommentsAndSubsystemLines() {
        DriverTable t = table("# cards\n8086:10D3 e1000e   # upper case hex is fine\n\n"
                + "8086:10d3:8086:a01f  e1000e_special\n8086:1521\tigb\n");
        assertEquals(3, t.entries().size());
        assertEquals(4, t.entries().get(1).line());
        assertEquals(Optional.of("e1000e"), t.moduleFor(new PciId(0x8086, 0x10d3, 0x1028, 0x0001)));
        assertEquals(Optional.of("e1000e_special"), t.moduleFor(new PciId(0x8086, 0x10d3, 0x8086, 0xa01f)));
        assertEquals(Optional.of("igb"), t.moduleFor(new PciId(0x8086, 0x1521)));
        assertEquals(Optional.empty(), t.moduleFor(new PciId(0x8086, 0x100e)));
    }

    @Test
    void idNotHex() {
        assertDriverErrors("8086:10dg e1000e\n", "pcidrivers.conf:1: PCI id '8086:10dg' is not VENDOR:DEVICE or"
                + " VENDOR:DEVICE:SUBVENDOR:SUBDEVICE with 4 hex digits each (as lspci -n prints them): " + FORMAT);
        assertDriverErrors("# x\n8086:10d e1000e\n", "pcidrivers.conf:2: PCI id '8086:10d' is not VENDOR:DEVICE or"
                + " VENDOR:DEVICE:SUBVENDOR:SUBDEVICE with 4 hex digits each (as lspci -n prints them): " + FORMAT);
        assertDriverErrors("8086:10d3:8086 e1000e\n", "pcidrivers.conf:1: PCI id '8086:10d3:8086' is not"
                + " VENDOR:DEVICE or VENDOR:DEVICE:SUBVENDOR:SUBDEVICE with 4 hex digits each (as lspci -n prints them): " + FORMAT);
    }

    @Test
    void emptySlotVendor() {
        assertDriverErrors("ffff:ffff e1000e\n", "pcidrivers.conf:1: PCI id 'ffff:ffff': vendor ffff is what an"
                + " empty slot reads, not a card; use the vendor id lspci -n shows");
    }

    @Test
    void duplicateId() {
        assertDriverErrors("8086:10d3 e1000e\n8086:10D3 e1000\n", "pcidrivers.conf:2: duplicate PCI id 8086:10D3:"
                + " already mapped to e1000e at line 1; keep one line per id");
    }

    @Test
    void missingModule() {
        assertDriverErrors("8086:10d3\n", "pcidrivers.conf:1: 8086:10d3 has no module name: " + FORMAT);
        assertDriverErrors("8086:10d3   # e1000e\n", "pcidrivers.conf:1: 8086:10d3 has no module name: " + FORMAT);
    }

    @Test
    void invalidModule() {
        String rule = "is not valid: a kernel module name has 1..55 letters, digits, '_' or '-' and does not start"
                + " with '-' (e.g. e1000e)";
        assertDriverErrors("8086:10d3 ../e1000e\n", "pcidrivers.conf:1: module name '../e1000e' " + rule);
        assertDriverErrors("8086:10d3 -r\n", "pcidrivers.conf:1: module name '-r' " + rule);
    }

    @Test
    void extraFields() {
        assertDriverErrors("8086:10d3 e1000e debug=1\n", "pcidrivers.conf:1: '8086:10d3 e1000e debug=1' has 3"
                + " fields: " + FORMAT + " (one module per line; '#' starts a comment)");
    }

    @Test
    void emptyFileIsAWarning() {
        LoadResult r = load(VALID, "# nothing yet\n");
        assertEquals(List.of("pcidrivers.conf: maps no PCI id to a driver: had will load no driver for an"
                + " inserted card; add lines such as 8086:10d3  e1000e"), render(r.warnings()));
        assertEquals(true, r.ok());
    }
}
