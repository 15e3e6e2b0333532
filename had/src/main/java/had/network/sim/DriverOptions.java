package had.network.sim;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptionPlan;
import had.network.FailOverMac;
import had.network.KernelEnum;
import had.network.LacpRate;
import had.network.NetworkException;
import had.network.PrimaryReselect;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A write to /sys/class/net/BOND/bonding/OPTION as the driver takes it (bond_options.c): the
 * option's mode dependency, "no slaves" and "bond down" conditions are checked in the driver's
 * order, then the value is parsed and set with the setter's side effects. Refusals carry the
 * driver's own words.
 */
final class DriverOptions {
    private DriverOptions() {
    }

    static void write(SimBond b, String option, String value) {
        DriverParams p = b.params;
        BondOption o = BondOption.of(option);
        if (o == null) throw b.error("option " + option + ": not modelled");
        if (!o.takenIn(p.mode)) throw unsupported(b, option); // the driver checks the mode first
        switch (o) {
            case MODE -> {
                guard(b, option, true, true);
                BondMode m = parse(b, option, BondMode.class, value);
                if (!BondOptionPlan.usesArp(m)) {
                    p.arpInterval = 0;
                    if (p.miimon == 0) p.miimon = BondOptionPlan.DEFAULT_MIIMON;
                }
                p.arpValidate = ArpValidate.NONE; // the driver does not carry it across modes
                p.mode = m;
            }
            case FAIL_OVER_MAC -> {
                guard(b, option, true, false);
                p.failOverMac = parse(b, option, FailOverMac.class, value);
            }
            case MIIMON -> {
                p.miimon = number(b, option, value);
                if (p.miimon > 0 && p.arpInterval > 0) {
                    p.arpInterval = 0;
                    p.arpValidate = ArpValidate.NONE;
                }
                b.rearmMonitors();
            }
            case UPDELAY -> p.updelayTicks = delay(b, value, "up delay");
            case DOWNDELAY -> p.downdelayTicks = delay(b, value, "down delay");
            case ARP_INTERVAL -> {
                p.arpInterval = number(b, option, value);
                if (p.arpInterval > 0) p.miimon = 0;
                b.rearmMonitors();
            }
            case ARP_IP_TARGET -> target(b, value);
            case ARP_VALIDATE -> p.arpValidate = parse(b, option, ArpValidate.class, value);
            case PRIMARY -> primary(b, value.trim());
            case PRIMARY_RESELECT -> {
                p.primaryReselect = parse(b, option, PrimaryReselect.class, value);
                b.selectActive();
            }
            case LACP_RATE -> {
                guard(b, option, false, true);
                p.lacpRate = parse(b, option, LacpRate.class, value);
            }
            case MIN_LINKS -> {
                p.minLinks = number(b, option, value);
                b.updateCarrier();
            }
            // An option with no side effects in the driver: parsed as the driver would, and kept.
            default -> p.kept.put(o, asWritten(b, o, value));
        }
    }

    private static void guard(SimBond b, String option, boolean noSlaves, boolean ifDown) {
        if (noSlaves && !b.slaves.isEmpty()) {
            throw b.error("option " + option + ": unable to set because the bond device has slaves");
        }
        if (ifDown && b.dev.adminUp) throw b.error("option " + option + ": unable to set because the bond device is up");
    }

    static NetworkException unsupported(SimBond b, String option) {
        return b.error("option " + option + ": mode dependency failed, not supported in mode "
                + b.params.mode.kernelName() + "(" + b.params.mode.number() + ")");
    }

    /** The value of an option the driver keeps as written: one of its enum's names or numbers, or a number. */
    private static <E extends Enum<E> & KernelEnum> Object asWritten(SimBond b, BondOption o, String value) {
        Class<E> choices = o.choices();
        return choices != null ? parse(b, o.key, choices, value) : number(b, o.key, value);
    }

    private static <E extends Enum<E> & KernelEnum> E parse(SimBond b, String option, Class<E> type, String value) {
        return KernelEnum.parse(type, value).orElseThrow(() -> invalid(b, option, value));
    }

    private static int number(SimBond b, String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // falls through to the driver's complaint
        }
        throw invalid(b, option, value);
    }

    private static NetworkException invalid(SimBond b, String option, String value) {
        return b.error("option " + option + ": invalid value (" + value.trim() + ")");
    }

    /** Stored as whole miimon periods: the driver rounds down (and warns) rather than refuse. */
    private static int delay(SimBond b, String value, String what) {
        int ms = number(b, what.replace(" ", ""), value);
        if (b.params.miimon == 0) throw b.error("Unable to set " + what + " as MII monitoring is disabled");
        return ms / b.params.miimon;
    }

    private static void target(SimBond b, String value) {
        String v = value.trim();
        if (v.length() < 2 || v.charAt(0) != '+' && v.charAt(0) != '-') {
            throw b.error("no command found in arp_ip_targets file - use +<addr> or -<addr>");
        }
        Inet4Address a = ipv4(b, v.substring(1));
        int bits = had.network.IfAddress.toInt(a);
        if (bits == -1 || (bits >>> 24) == 0) throw b.error("invalid ARP target " + v.substring(1) + " specified");
        if (v.charAt(0) == '+') {
            if (b.params.arpTargets.contains(a)) throw b.error("ARP target " + v.substring(1) + " is already present");
            if (b.params.arpTargets.size() >= BondOptionPlan.MAX_ARP_TARGETS) throw b.error("ARP target table is full!");
            b.params.arpTargets.add(a);
        } else if (!b.params.arpTargets.remove(a)) {
            throw b.error("unable to remove nonexistent ARP target " + v.substring(1));
        }
    }

    private static Inet4Address ipv4(SimBond b, String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            try {
                if (InetAddress.getByName(text) instanceof Inet4Address a) return a;
            } catch (UnknownHostException e) {
                // not an address: reported below
            }
        }
        throw b.error("invalid ARP target " + text + " specified");
    }

    /** bond_option_primary_set: the name is remembered even when no such slave exists yet. */
    private static void primary(SimBond b, String name) {
        if (name.isEmpty()) {
            b.primary = null;
            b.params.primaryName = null;
            b.selectActive();
            return;
        }
        SimSlave s = b.slave(name);
        b.params.primaryName = name;
        if (s != null) {
            b.primary = s;
            b.forcePrimary = true;
            b.selectActive();
        } else if (b.primary != null) {
            b.primary = null;
            b.selectActive();
        }
    }
}
