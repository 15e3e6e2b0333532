package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes had.conf and pcidrivers.conf snippets into a temporary directory, loads them, and
 * renders errors relative to that directory ("had.conf:7: message") so tests can state them
 * exactly.
 */
abstract class ConfigTestSupport {
    static final String DRIVERS = "8086:10d3  e1000e\n";

    @TempDir
    Path dir;

    LoadResult load(String hadConf) {
        return load(hadConf, DRIVERS);
    }

    LoadResult load(String hadConf, String drivers) {
        Path had = write("had.conf", hadConf);
        Path drv = write("pcidrivers.conf", drivers);
        return new ConfigLoader().load(had, drv);
    }

    List<String> errors(String hadConf) {
        return render(load(hadConf).errors());
    }

    List<String> warnings(String hadConf) {
        return render(load(hadConf).warnings());
    }

    void assertErrors(String hadConf, String... expected) {
        assertEquals(List.of(expected), errors(hadConf));
    }

    void assertDriverErrors(String drivers, String... expected) {
        assertEquals(List.of(expected), render(load(VALID, drivers).errors()));
    }

    ChassisConfig assertValid(String hadConf) {
        LoadResult r = load(hadConf);
        assertEquals(List.of(), render(r.errors()));
        return r.config();
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> render(List<ConfigError> list) {
        String prefix = dir.toString() + java.io.File.separator;
        return list.stream().map(e -> e.toString().replace(prefix, "")).toList();
    }

    /** A small valid had.conf: bond0 over two cards, a plain port. Tests append to it or vary it. */
    static final String VALID = """
            [bond bond0]
            address = 10.0.1.1/24
            mode = active-backup
            miimon = 100
            [config slave]
            bond = bond0
            [config plain]
            address = 10.0.2.1/24
            [slot 2]
            0 = slave
            1 = plain
            [slot 12]
            0 = slave
            """;
}
