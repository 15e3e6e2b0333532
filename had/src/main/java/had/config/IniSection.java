package had.config;

import java.util.List;

/**
 * One {@code [header]} of had.conf and the entries under it, in file order, duplicates included
 * (ini4j's Profile would merge them and lose the line of the second one).
 */
record IniSection(String header, int line, List<IniEntry> entries) {
    IniSection {
        entries = List.copyOf(entries);
    }
}
