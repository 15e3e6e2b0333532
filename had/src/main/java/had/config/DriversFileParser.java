package had.config;

import had.backplane.PciId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * /etc/pcidrivers.conf: one card per line, {@code VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE]  MODULE},
 * ids as 4 hex digits each (as lspci -n prints them), '#' starts a comment. A line with subsystem
 * ids is more specific than the same vendor:device without them and wins over it.
 */
final class DriversFileParser {
    /** MODULE_NAME_LEN is 64 - sizeof(unsigned long), NUL included. */
    static final int MODULE_NAME_MAX = 55;
    private static final Pattern HEX4 = Pattern.compile("[0-9A-Fa-f]{4}");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String FORMAT = "write VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE]  MODULE, e.g. 8086:10d3  e1000e";

    private DriversFileParser() {
    }

    static DriverTable parse(String content, Diagnostics d) {
        List<DriverTable.Entry> entries = new ArrayList<>();
        Map<PciId, DriverTable.Entry> seen = new HashMap<>();
        String[] lines = ConfigFile.lines(content);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.trim();
            if (line.isEmpty()) continue;
            if (line.length() > IniLines.MAX_LINE) {
                d.error(number, "line is " + line.length() + " characters long (limit " + IniLines.MAX_LINE
                        + "): is this the right file?");
                continue;
            }
            String[] fields = line.split("\\s+");
            try {
                PciId id = pciId(fields[0], FORMAT);
                if (fields.length < 2) {
                    throw new BadValue(fields[0] + " has no module name: " + FORMAT);
                }
                if (fields.length > 2) {
                    throw new BadValue("'" + line + "' has " + fields.length + " fields: " + FORMAT
                            + " (one module per line; '#' starts a comment)");
                }
                String module = module(fields[1]);
                DriverTable.Entry entry = new DriverTable.Entry(id, module, number);
                DriverTable.Entry first = seen.putIfAbsent(id, entry);
                if (first != null) {
                    throw new BadValue("duplicate PCI id " + fields[0] + ": already mapped to " + first.module()
                            + " at line " + first.line() + "; keep one line per id");
                }
                entries.add(entry);
            } catch (BadValue bad) {
                d.error(number, bad.getMessage());
            }
        }
        if (entries.isEmpty() && !d.hasErrors()) {
            d.warning(0, "maps no PCI id to a driver: had will load no driver for an inserted card;"
                    + " add lines such as 8086:10d3  e1000e");
        }
        return new DriverTable(entries);
    }

    /** {@code how}: what to write instead, for the message when the text is no PCI id. */
    static PciId pciId(String text, String how) throws BadValue {
        String[] parts = text.split(":", -1);
        boolean shape = parts.length == 2 || parts.length == 4;
        for (String p : parts) shape &= HEX4.matcher(p).matches();
        if (!shape) {
            throw new BadValue("PCI id '" + text + "' is not VENDOR:DEVICE or VENDOR:DEVICE:SUBVENDOR:SUBDEVICE"
                    + " with 4 hex digits each (as lspci -n prints them): " + how);
        }
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Integer.parseInt(parts[i], 16);
        if (v[0] == 0xffff) {
            throw new BadValue("PCI id '" + text + "': vendor ffff is what an empty slot reads, not a"
                    + " card; use the vendor id lspci -n shows");
        }
        return parts.length == 2 ? new PciId(v[0], v[1]) : new PciId(v[0], v[1], v[2], v[3]);
    }

    /** The name is handed to modprobe, so only what a module file name can be: no paths, no options. */
    static String module(String text) throws BadValue {
        if (!MODULE.matcher(text).matches() || text.length() > MODULE_NAME_MAX || text.startsWith("-")) {
            throw new BadValue("module name '" + text + "' is not valid: a kernel module name has 1.."
                    + MODULE_NAME_MAX + " letters, digits, '_' or '-' and does not start with '-' (e.g. e1000e)");
        }
        return text;
    }
}
