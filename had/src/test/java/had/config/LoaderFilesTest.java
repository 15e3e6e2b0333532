package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** Root reads any file: as root, `had --check` runs as nobody (setpriv), as a user it is this JVM. */
    @Test
    void unreadableFile() throws Exception {
        Path had = write("had.conf", VALID);
        Path drivers = write("pcidrivers.conf", DRIVERS);
        Files.setPosixFilePermissions(had, PosixFilePermissions.fromString("---------"));
        String error = "had.conf: permission denied: make it readable by the user running had (root)";
        if (!"root".equals(System.getProperty("user.name"))) {
            assertEquals(List.of(error), loadErrors(had, drivers));
            return;
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(drivers, PosixFilePermissions.fromString("rw-r--r--"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPathForNobody(),
                "had.cli.Main", "--check", "-c", had.toString(), "-d", drivers.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(2, p.exitValue(), "as nobody: " + out);
        assertTrue(out.contains(error), out);
    }

    /** had's classes and libraries copied where nobody can read them (a build tree under /root is not). */
    private String classPathForNobody() throws IOException {
        Path cp = Files.createDirectory(dir.resolve("cp"));
        List<String> out = new java.util.ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(e);
            if (e.endsWith("test-classes") || !Files.exists(from)) continue;
            Path to = cp.resolve(i++ + "-" + from.getFileName());
            try (var walk = Files.walk(from)) {
                for (Path f : walk.toList()) Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
            out.add(to.toString());
        }
        try (var walk = Files.walk(cp)) {
            for (Path f : walk.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, out);
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
