package had.config;

import java.util.regex.Pattern;

/** Names had.conf gives things, checked against what the kernel and modprobe accept. */
final class Names {
    /** IFNAMSIZ is 16 with the terminating NUL. */
    static final int IFNAME_MAX = 15;
    private static final Pattern CONFIG_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Names() {
    }

    /**
     * The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace. had
     * also refuses non-printable and non-ASCII characters, which the kernel would take but which
     * no operator could type into a command to inspect the bond.
     */
    static void interfaceName(String what, String name) throws BadValue {
        String rule = "a Linux interface name has 1.." + IFNAME_MAX
                + " printable ASCII characters, not '/', ':' or whitespace (e.g. bond0)";
        if (name.isEmpty() || name.length() > IFNAME_MAX || name.equals(".") || name.equals("..")) {
            throw new BadValue(what + " '" + name + "' is not a valid interface name: " + rule);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new BadValue(what + " '" + name + "' is not a valid interface name: " + rule);
            }
        }
    }

    /** Config names are listed comma-separated in [slot] lines, so they cannot hold commas or spaces. */
    static void configName(String name) throws BadValue {
        if (!CONFIG_NAME.matcher(name).matches()) {
            throw new BadValue("config name '" + name + "' is not valid: use 1..64 letters, digits,"
                    + " '_', '-' or '.' (e.g. config1)");
        }
    }
}
