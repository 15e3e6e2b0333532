package had.config;

/** One {@code key = value} line of had.conf, with the line it is on. Value trimmed, never null. */
record IniEntry(String key, String value, int line) {
}
