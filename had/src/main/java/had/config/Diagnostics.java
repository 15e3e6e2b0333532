package had.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the errors and warnings of one file. Parsers report everything they find and carry on,
 * so that one run of {@code had --check} shows every problem, not the first one.
 */
final class Diagnostics {
    private final Path file;
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<ConfigError> warnings = new ArrayList<>();

    Diagnostics(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void error(int line, String message) {
        errors.add(new ConfigError(file, line, message));
    }

    void warning(int line, String message) {
        warnings.add(new ConfigError(file, line, message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** In line order (stable, so two problems on one line keep the order they were found in). */
    List<ConfigError> errors() {
        return sorted(errors);
    }

    List<ConfigError> warnings() {
        return sorted(warnings);
    }

    private static List<ConfigError> sorted(List<ConfigError> list) {
        List<ConfigError> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparingInt(ConfigError::line));
        return List.copyOf(copy);
    }
}
