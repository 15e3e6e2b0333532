package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Files that cannot be read, and errors from both files at once. */
class LoaderFilesTest extends ConfigTestSupport {

    private List<String> loadErrors(Path had, Path drivers) {
        return render(new ConfigLoader().load(had, drivers).errors());
    }

    @Test
    void missingFiles() {
        assertEquals(List.of("nope.conf: no such file: create it (conf/ has commented examples) or name another one",
                        "nodrivers.conf: no such file: create it (conf/ has commented examples) or name another one"),
                loadErrors(dir.resolve("nope.conf"), dir.resolve("nodrivers.conf")));
    }

    @Test
    void directoryInsteadOfFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("etc"));
        assertEquals(List.of("etc: is a directory, not a file: name the file itself"),
                loadErrors(sub, write("pcidrivers.conf", DRIVERS)));
    }

    @Test
    void unreadableFile() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path had = write("had.conf", VALID);
        Files.setPosixFilePermissions(had, PosixFilePermissions.fromString("---------"));
        assertEquals(List.of("had.conf: permission denied: make it readable by the user running had (root)"),
                loadErrors(had, write("pcidrivers.conf", DRIVERS)));
    }

    @Test
    void tooBig() {
        Path had = write("had.conf", "#".repeat(ConfigFile.MAX_BYTES + 1));
        assertEquals(List.of("had.conf: is 1048577 bytes; a configuration file is a few kilobytes (limit 1048576):"
                + " is this the right file?"), loadErrors(had, write("pcidrivers.conf", DRIVERS)));
    }

    @Test
    void errorsOfBothFilesTogetherAndNoConfig() {
        LoadResult r = load(VALID.replace("miimon = 100", "miimon = x"), "8086:10d3\n");
        assertEquals(List.of("had.conf:4: miimon = x is not a whole number: write a plain decimal number of"
                        + " milliseconds, e.g. miimon = 100",
                "pcidrivers.conf:1: 8086:10d3 has no module name: write VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE]"
                        + "  MODULE, e.g. 8086:10d3  e1000e"), render(r.errors()));
        assertNull(r.config());
        assertEquals(false, r.ok());
    }

    @Test
    void aValidFileWithAnInvalidDriversFileGivesNoConfig() {
        assertNull(load(VALID, "bogus\n").config());
    }

    @Test
    void errorRendering() {
        assertEquals("/etc/had.conf:3: x", new ConfigError(Path.of("/etc/had.conf"), 3, "x").toString());
        assertEquals("/etc/had.conf: x", new ConfigError(Path.of("/etc/had.conf"), 0, "x").toString());
    }
}
