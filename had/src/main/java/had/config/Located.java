package had.config;

import java.util.Map;

/**
 * A section's parsed value with the line of each of its keys, so that checks across sections
 * (a config naming an undeclared bond, a primary no slot enslaves) can point at the exact key.
 */
record Located<T>(T value, int line, Map<String, Integer> keyLines) {
    Located {
        keyLines = Map.copyOf(keyLines);
    }

    static <T> Located<T> of(T value, int line, Map<String, IniEntry> entries) {
        Map<String, Integer> lines = new java.util.HashMap<>();
        entries.forEach((key, e) -> lines.put(key, e.line()));
        return new Located<>(value, line, lines);
    }

    /** The line of {@code key}, or of the section header when the key is not there. */
    int lineOf(String key) {
        return keyLines.getOrDefault(key, line);
    }
}
