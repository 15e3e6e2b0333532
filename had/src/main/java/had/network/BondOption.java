package had.network;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The options of the bonding driver that had manages, one entry each: the name the driver's sysfs
 * file and had.conf give it, how it is read from {@link BondOptions}, and how two values compare
 * (as the driver would: the order of ARP targets and an empty primary do not matter). Whatever
 * compares, lists or shows options reads this table, so an option added to {@link BondOptions}
 * and here is compared by the reconciler, shown by status and named in change records alike.
 */
public enum BondOption {
    MODE("mode", BondOptions::mode),
    MIIMON("miimon", BondOptions::miimon),
    UPDELAY("updelay", BondOptions::updelay),
    DOWNDELAY("downdelay", BondOptions::downdelay),
    ARP_INTERVAL("arp_interval", BondOptions::arpInterval),
    ARP_IP_TARGET("arp_ip_target", "arp_ip_targets", BondOptions::arpIpTargets) {
        @Override
        public boolean same(BondOptions a, BondOptions b) {
            return new HashSet<>(a.arpIpTargets()).equals(new HashSet<>(b.arpIpTargets()));
        }
    },
    ARP_VALIDATE("arp_validate", BondOptions::arpValidate),
    PRIMARY("primary", BondOptions::primaryName),
    PRIMARY_RESELECT("primary_reselect", BondOptions::primaryReselect),
    LACP_RATE("lacp_rate", BondOptions::lacpRate),
    XMIT_HASH_POLICY("xmit_hash_policy", BondOptions::xmitHashPolicy),
    MIN_LINKS("min_links", BondOptions::minLinks),
    FAIL_OVER_MAC("fail_over_mac", BondOptions::failOverMac);

    /** The driver's sysfs file under bonding/ and the had.conf key: the same word. */
    public final String key;
    /** Its name in the control protocol's bond options (v1: the list of ARP targets is plural). */
    public final String wireKey;
    private final Function<BondOptions, Object> value;

    BondOption(String key, Function<BondOptions, Object> value) {
        this(key, key, value);
    }

    BondOption(String key, String wireKey, Function<BondOptions, Object> value) {
        this.key = key;
        this.wireKey = wireKey;
        this.value = value;
    }

    /** The option whose sysfs file and had.conf key is {@code key}, or null. */
    public static BondOption of(String key) {
        for (BondOption o : values()) if (o.key.equals(key)) return o;
        return null;
    }

    /** The option's keys, in the table's order. */
    public static List<String> keys() {
        List<String> k = new ArrayList<>();
        for (BondOption o : values()) k.add(o.key);
        return k;
    }

    public boolean same(BondOptions a, BondOptions b) {
        return Objects.equals(value.apply(a), value.apply(b));
    }

    /** Every option the same. */
    public static boolean allSame(BondOptions a, BondOptions b) {
        for (BondOption o : values()) if (!o.same(a, b)) return false;
        return true;
    }

    /**
     * The value as the driver's files and had's JSON give it: an enum by its kernel name, ARP
     * targets as address strings, an empty primary as null, numbers as numbers.
     */
    public Object wire(BondOptions o) {
        Object v = value.apply(o);
        if (v instanceof KernelEnum k) return k.kernelName();
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object x : l) out.add(x instanceof InetAddress a ? a.getHostAddress() : String.valueOf(x));
            return out;
        }
        return v;
    }

    /** The value in a sentence: "none" for no primary or no ARP target, targets joined by commas. */
    public String show(BondOptions o) {
        Object v = wire(o);
        if (v == null) return "none";
        if (v instanceof List<?> l) return l.isEmpty() ? "none" : String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(v);
    }

    /** "primary eth1 -> none, miimon 100 -> 200": each option that differs, in the table's order. */
    public static String changes(BondOptions from, BondOptions to) {
        List<String> out = new ArrayList<>();
        for (BondOption o : values()) if (!o.same(from, to)) out.add(o.key + " " + o.show(from) + " -> " + o.show(to));
        return String.join(", ", out);
    }
}
