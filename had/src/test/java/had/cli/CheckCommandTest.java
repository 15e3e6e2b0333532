package had.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CheckCommand().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shippedFilesAreValid() {
        assertEquals(0, run("--check", "-c", "conf/had.conf", "-d", "conf/pcidrivers.conf"), err());
        assertEquals("conf/had.conf, conf/pcidrivers.conf: valid: 1 bond, 3 configs, 4 slots, 5 drivers\n", out());
        assertEquals("", err());
    }

    @Test
    void longOptionsAndWarnings() {
        assertEquals(0, run("--config", "conf/examples/vlan-bonds.conf", "--drivers", "conf/pcidrivers.conf"));
        assertTrue(out().endsWith("valid: 2 bonds, 2 configs, 1 slot, 5 drivers, 2 warnings\n"), out());
        assertTrue(err().startsWith("conf/examples/vlan-bonds.conf:20: warning: all of bond253's ports"), err());
    }

    @Test
    void brokenFilesExitTwoWithEveryErrorAndASummary() throws IOException {
        Path had = Files.writeString(dir.resolve("had.conf"), "[bond bond0]\nmode = 9\nmiimon = fast\n");
        Path drivers = Files.writeString(dir.resolve("pcidrivers.conf"), "8086:10d3 e1000e\n8086:10d3 igb\n");
        assertEquals(2, run("-c", had.toString(), "-d", drivers.toString()));
        String[] lines = err().split("\n");
        assertTrue(lines[0].startsWith(had + ":2: mode = 9 is not a bonding mode"), lines[0]);
        assertTrue(lines[1].startsWith(had + ":3: miimon = fast is not a whole number"), lines[1]);
        assertTrue(lines[2].startsWith(drivers + ":2: duplicate PCI id 8086:10d3"), lines[2]);
        assertTrue(lines[3].startsWith(had + ":1: warning: bond0 has no slaves"), lines[3]);
        assertEquals(had + ", " + drivers + ": 3 errors, 1 warning: configuration refused", lines[4]);
        assertEquals(5, lines.length);
        assertEquals("", out());
    }

    @Test
    void missingFileExitsTwo() {
        assertEquals(2, run("-c", dir.resolve("none.conf").toString(), "-d", "conf/pcidrivers.conf"));
        assertTrue(err().startsWith(dir.resolve("none.conf") + ": no such file"), err());
    }

    @Test
    void usageErrorsExitTwoWithUsage() {
        assertEquals(2, run("-x"));
        assertTrue(err().startsWith("had --check: unknown option -x\nusage: had --check"), err());
        err.reset();
        assertEquals(2, run("-c"));
        assertTrue(err().startsWith("had --check: -c needs a file name\nusage:"), err());
        err.reset();
        assertEquals(2, run("-d", "a", "-d", "b"));
        assertTrue(err().startsWith("had --check: -d given twice\nusage:"), err());
        err.reset();
        assertEquals(2, run("conf/had.conf"));
        assertTrue(err().startsWith("had --check: unexpected argument conf/had.conf\nusage:"), err());
    }

    @Test
    void help() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: had --check"), out());
    }
}
