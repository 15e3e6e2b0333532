package had.config;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptionPlan;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.KernelEnum;
import had.network.PrimaryReselect;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bonding options of a [bond] section, checked the way the Linux bonding driver would take
 * them. Where the driver refuses a value (arp_interval in 802.3ad, lacp_rate outside 802.3ad,
 * primary in a mode without an active slave) or quietly does something else than what is
 * written (rounds updelay down, drops one of two monitors, ignores xmit_hash_policy), had.conf is
 * refused: on a chassis that must fail over, "the driver would have coped" is not good enough.
 * Where the option is merely pointless (min_links outside 802.3ad) it is a warning.
 */
final class BondOptionsParser {
    private static final int MAX_ARP_TARGETS = BondOptionPlan.MAX_ARP_TARGETS;

    private static final Pattern PRIMARY = Pattern.compile("slot\\s+(\\S+)\\s+port\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

    record Parsed(BondOptions options, SlotPort primary) {
    }

    private final String bond;
    private final Map<String, IniEntry> k;
    private final Diagnostics d;

    private BondOptionsParser(String bond, Map<String, IniEntry> k, Diagnostics d) {
        this.bond = bond;
        this.k = k;
        this.d = d;
    }

    static Parsed parse(String bond, int sectionLine, Map<String, IniEntry> keys, Diagnostics d) {
        return new BondOptionsParser(bond, keys, d).parse(sectionLine);
    }

    private Parsed parse(int sectionLine) {
        // Each value as the table says had.conf gives it; null where absent or refused (said).
        Map<BondOption, Object> v = new EnumMap<>(BondOption.class);
        for (BondOption o : BondOption.values()) {
            Object value = value(o);
            if (value != null) v.put(o, value);
        }
        if (!k.containsKey(BondOption.MODE.key)) {
            d.error(sectionLine, "[bond " + bond + "] has no mode: add mode = active-backup (one"
                    + " slave carries traffic, the others stand by; the usual choice for a chassis)"
                    + " or another of " + KernelEnum.choices(BondMode.class));
        }
        BondMode mode = (BondMode) v.get(BondOption.MODE);
        Integer miimon = (Integer) v.get(BondOption.MIIMON);
        Integer updelay = (Integer) v.get(BondOption.UPDELAY);
        Integer downdelay = (Integer) v.get(BondOption.DOWNDELAY);
        Integer arpInterval = (Integer) v.get(BondOption.ARP_INTERVAL);
        @SuppressWarnings("unchecked")
        List<Inet4Address> targets = (List<Inet4Address>) v.getOrDefault(BondOption.ARP_IP_TARGET, List.of());
        ArpValidate arpValidate = (ArpValidate) v.get(BondOption.ARP_VALIDATE);
        PrimaryReselect reselect = (PrimaryReselect) v.get(BondOption.PRIMARY_RESELECT);
        SlotPort primary = (SlotPort) v.get(BondOption.PRIMARY);

        boolean arpAllowed = mode == null || BondOption.ARP_INTERVAL.takenIn(mode);
        if (mode != null && !mode.hasActiveSlave()) primary = null; // refused below; nothing to cross-check

        // A monitor value that did not parse is already reported; checks that depend on it would
        // only add noise ("arp_ip_target without arp_interval" when arp_interval = 500ms).
        boolean arpKnown = arpInterval != null || !k.containsKey("arp_interval");
        boolean miiKnown = miimon != null || !k.containsKey("miimon");
        int arp = arpInterval == null ? 0 : arpInterval;
        // Unset miimon means the default 100, unless the ARP monitor was asked for instead.
        int effectiveMiimon = miimon != null ? miimon : (arp > 0 ? 0 : BondOptionPlan.DEFAULT_MIIMON);
        if (arpAllowed && arpKnown && miiKnown) checkArpMonitor(miimon, arp, targets, arpValidate);
        if (arpKnown && miiKnown) {
            checkDelay("updelay", updelay, effectiveMiimon);
            checkDelay("downdelay", downdelay, effectiveMiimon);
        }
        if (arpKnown && miiKnown && effectiveMiimon == 0 && arp == 0) {
            d.warning(k.containsKey("miimon") ? k.get("miimon").line() : sectionLine, bond
                    + " has no link monitor (miimon = 0 and no arp_interval): it will never notice a"
                    + " dead link nor fail over; set miimon = 100");
        }
        if (reselect != null && primary == null) {
            d.warning(k.get("primary_reselect").line(), "primary_reselect has no effect without primary"
                    + " in " + bond + ": add primary = slot N port M or remove primary_reselect");
        }

        // What is not written (or did not parse) is the driver's default.
        BondOptions options = BondOptions.of(o -> switch (o) {
            case MODE -> mode == null ? BondMode.ACTIVE_BACKUP : mode; // none: an error above
            case MIIMON -> effectiveMiimon;
            case ARP_INTERVAL -> arp;
            case PRIMARY -> null; // a card's port: the core finds its interface
            default -> v.getOrDefault(o, o.kernelDefault);
        });
        if (mode != null) checkMode(mode, options);
        return new Parsed(options, primary);
    }

    /**
     * Options set in a mode they do nothing in ({@link BondOption}'s table says where each
     * matters): an error where the driver refuses them or would do something else than written, a
     * warning where they are merely pointless (not at all when left at the driver's default).
     */
    private void checkMode(BondMode mode, BondOptions parsed) {
        String in = " (" + bond + " is " + mode.kernelName() + ")";
        for (BondOption o : BondOption.values()) {
            IniEntry e = k.get(o.key);
            if (e == null || o.mattersIn(mode)) continue;
            switch (o.elsewhere) {
                case NONE -> { }
                case ARP_MONITOR -> d.error(e.line(), o.key + " does not work in mode " + mode.kernelName()
                        + ": the bonding driver refuses the ARP monitor in " + o.modesItDoesNothingIn()
                        + "; use miimon instead and remove " + o.key);
                case REFUSED -> d.error(e.line(), o.key + " applies only to " + o.modesItMattersIn() + in
                        + ": the bonding driver refuses it; remove it or change the mode");
                case IGNORED -> d.error(e.line(), o.key + " applies only to " + o.modesItMattersIn() + in
                        + ": the bonding driver ignores it; remove it or change the mode");
                case POINTLESS -> {
                    if (!o.same(parsed, BondOptions.KERNEL_DEFAULTS)) {
                        d.warning(e.line(), o.key + " only matters in " + o.modesItMattersIn() + in
                                + ": the bonding driver ignores it");
                    }
                }
            }
        }
    }

    private void checkArpMonitor(Integer miimon, int arp, List<Inet4Address> targets, ArpValidate validate) {
        IniEntry interval = k.get("arp_interval");
        IniEntry target = k.get("arp_ip_target");
        if (arp > 0 && target == null) {
            d.error(interval.line(), "arp_interval = " + arp + " without arp_ip_target: the ARP monitor"
                    + " has nobody to probe and the driver disables it; add arp_ip_target = ADDRESS[, ADDRESS...]"
                    + " (up to " + MAX_ARP_TARGETS + ", e.g. the gateway)");
        }
        if (target != null && arp == 0) {
            d.error(target.line(), "arp_ip_target without arp_interval: the targets are never probed;"
                    + " add arp_interval = MILLISECONDS (e.g. 500) and miimon = 0, or remove arp_ip_target");
        }
        if (arp > 0 && miimon != null && miimon > 0) {
            IniEntry later = k.get("miimon").line() > interval.line() ? k.get("miimon") : interval;
            d.error(later.line(), "miimon = " + miimon + " and arp_interval = " + arp + " are both set:"
                    + " the bonding driver runs one monitor only and silently disables the other;"
                    + " set miimon = 0 to use the ARP monitor, or remove arp_interval");
        }
        IniEntry av = k.get("arp_validate");
        if (validate != null && validate != ArpValidate.NONE && arp == 0) {
            d.error(av.line(), "arp_validate without arp_interval: there are no ARP probes to validate;"
                    + " add arp_interval and arp_ip_target, or remove arp_validate");
        }
    }

    private void checkDelay(String key, Integer delay, int miimon) {
        if (delay == null || delay == 0) return;
        int line = k.get(key).line();
        if (miimon == 0) {
            d.error(line, key + " = " + delay + " has no effect without miimon (the delays belong to"
                    + " the MII monitor): set miimon or remove " + key);
        } else if (delay % miimon != 0) {
            int down = delay / miimon * miimon;
            d.error(line, key + " = " + delay + " is not a multiple of miimon = " + miimon + ": the"
                    + " bonding driver would round it down to " + down + " ms; write " + key + " = "
                    + (down == 0 ? miimon + " (or 0 for no delay)" : down + " or " + (down + miimon)));
        }
    }

    /** The option's had.conf value, or null when absent or refused (an error says why). */
    private Object value(BondOption o) {
        return switch (o.hadConf.kind()) {
            case NUMBER -> integer(o.key, 0, o.hadConf.max(), o.hadConf.words());
            case CHOICE -> choice(o);
            case IPV4_LIST -> arpTargets(o.key);
            case SLOT_PORT -> primary(o.key);
        };
    }

    private <E extends Enum<E> & KernelEnum> E choice(BondOption o) {
        Class<E> type = o.choices();
        return kernelEnum(o.key, type, o.hadConf.words());
    }

    private List<Inet4Address> arpTargets(String key) {
        IniEntry e = k.get(key);
        if (e == null) return List.of();
        List<Inet4Address> result = new ArrayList<>();
        try {
            List<String> items = Values.list("arp_ip_target", e.value());
            if (items.size() > MAX_ARP_TARGETS) {
                d.error(e.line(), "arp_ip_target lists " + items.size() + " addresses: the bonding driver"
                        + " takes at most " + MAX_ARP_TARGETS + "; keep the most useful ones");
                return List.of();
            }
            List<Integer> seen = new ArrayList<>();
            for (String item : items) {
                int v = Ipv4.unicast("arp_ip_target", item);
                if (seen.contains(v)) {
                    d.error(e.line(), "arp_ip_target lists " + item + " twice: list each target once");
                    continue;
                }
                seen.add(v);
                result.add(IfAddress.fromInt(v));
            }
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
        }
        return result;
    }

    private SlotPort primary(String key) {
        IniEntry e = k.get(key);
        if (e == null) return null;
        Matcher m = PRIMARY.matcher(e.value());
        if (!m.matches()) {
            d.error(e.line(), "primary = " + e.value() + " does not name a port: write primary = slot N"
                    + " port M (e.g. slot 2 port 0); had finds the interface of that card itself");
            return null;
        }
        try {
            int slot = Values.integer("slot", m.group(1), SlotSection.MIN_SLOT, SlotSection.MAX_SLOT, "");
            int port = Values.integer("port", m.group(2), 0, SlotSection.MAX_SUBDEVICE, "");
            return new SlotPort(slot, port);
        } catch (BadValue bad) {
            d.error(e.line(), "primary: " + bad.getMessage());
            return null;
        }
    }

    private Integer integer(String key, int min, int max, String unit) {
        IniEntry e = k.get(key);
        if (e == null) return null;
        try {
            return Values.integer(key, e.value(), min, max, unit);
        } catch (BadValue bad) {
            d.error(e.line(), bad.getMessage());
            return null;
        }
    }

    private <E extends Enum<E> & KernelEnum> E kernelEnum(String key, Class<E> type, String what) {
        IniEntry e = k.get(key);
        if (e == null) return null;
        E value = KernelEnum.parse(type, e.value()).orElse(null);
        if (value == null) {
            d.error(e.line(), key + " = " + e.value() + " is not " + what + ": choose one of "
                    + KernelEnum.choices(type) + ", by name or number");
        }
        return value;
    }
}
