package had.config;

import java.nio.file.Path;

/**
 * One thing wrong in a configuration file, where it is and what to do about it. {@code line} is
 * 1-based; 0 means the file as a whole (missing, unreadable, too big), which renders without a line
 * number, as compilers and grep do.
 */
public record ConfigError(Path file, int line, String message) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
