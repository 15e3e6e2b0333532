package had.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The options of the bonding driver that had manages, one entry each: the name the driver's sysfs
 * file and had.conf give it, the value a freshly created bond has, how two values compare (as the
 * driver would: the order of ARP targets does not matter), what had.conf takes for it, the modes
 * the driver takes it in and the modes it does anything in, and where the kernel's link dump
 * carries it. {@link BondOptions} holds a value for each entry, and whatever parses, reads from the
 * kernel, compares, writes, shows or checks options reads this table: an option added here is read
 * from had.conf and from the kernel, compared and applied by the reconciler, written to sysfs in
 * the table's order (after the options whose order the driver dictates, {@link BondOptionPlan}),
 * kept by the simulated driver, shown by status, named in change records and checked against the
 * mode, alike. Only an option with rules of its own (an order, side effects in the driver) needs
 * code besides its entry.
 */
public enum BondOption {
    MODE("mode", BondMode.BALANCE_RR, Value.choice("a bonding mode"), Modes.ALL, Attr.u8(1)),
    MIIMON("miimon", 0, Value.MILLISECONDS, Modes.ALL, Attr.u32(3)),
    UPDELAY("updelay", 0, Value.MILLISECONDS, Modes.ALL, Attr.u32(4)),
    DOWNDELAY("downdelay", 0, Value.MILLISECONDS, Modes.ALL, Attr.u32(5)),
    ARP_INTERVAL("arp_interval", 0, Value.MILLISECONDS, Modes.ARP_MONITOR, Modes.ARP_MONITOR, Elsewhere.ARP_MONITOR,
            Attr.u32(7)),
    // The driver stores targets in any mode; outside the ARP monitor's modes nothing probes them.
    ARP_IP_TARGET("arp_ip_target", "arp_ip_targets", List.of(), new Value(Value.Kind.IPV4_LIST, 0, null), Modes.ALL,
            Modes.ARP_MONITOR, Elsewhere.ARP_MONITOR, new Attr(8, Attr.Form.IPV4_LIST)) {
        @Override
        public boolean same(BondOptions a, BondOptions b) {
            return new HashSet<>(a.arpIpTargets()).equals(new HashSet<>(b.arpIpTargets()));
        }
    },
    ARP_VALIDATE("arp_validate", ArpValidate.NONE, Value.choice("an arp_validate value"), Modes.ARP_MONITOR,
            Modes.ARP_MONITOR, Elsewhere.ARP_MONITOR, Attr.u32(9)),
    // The dump gives the primary slave's index, and nothing while it is away (the driver keeps the
    // name): had reads it by name from sysfs. had.conf names a slot's port, resolved by the core;
    // options hold the interface's name, or null for none.
    PRIMARY("primary", null, new Value(Value.Kind.SLOT_PORT, 0, null), Modes.ACTIVE_SLAVE, Modes.ACTIVE_SLAVE,
            Elsewhere.REFUSED, new Attr(11, Attr.Form.NOT_READ)),
    PRIMARY_RESELECT("primary_reselect", PrimaryReselect.ALWAYS, Value.choice("a primary_reselect value"),
            Modes.ALL, Attr.u8(12)),
    LACP_RATE("lacp_rate", LacpRate.SLOW, Value.choice("a lacp_rate"), Modes.LACP, Modes.LACP, Elsewhere.REFUSED,
            Attr.u8(21)),
    XMIT_HASH_POLICY("xmit_hash_policy", XmitHashPolicy.LAYER2, Value.choice("a transmit hash policy"), Modes.ALL,
            Modes.HASHING, Elsewhere.IGNORED, Attr.u8(14)),
    MIN_LINKS("min_links", 0, new Value(Value.Kind.NUMBER, 1024, "links"), Modes.ALL, Modes.LACP, Elsewhere.POINTLESS,
            Attr.u32(18)),
    FAIL_OVER_MAC("fail_over_mac", FailOverMac.NONE, Value.choice("a fail_over_mac value"), Modes.ALL, Modes.ONE_ACTIVE,
            Elsewhere.POINTLESS, Attr.u8(13)),
    // How many gratuitous ARPs (and unsolicited NAs) the driver sends after an active-backup failover.
    NUM_GRAT_ARP("num_grat_arp", 1, new Value(Value.Kind.NUMBER, 255, "announcements"), Modes.ALL, Modes.ONE_ACTIVE,
            Elsewhere.POINTLESS, Attr.u8(16));

    /**
     * What a had.conf value of the option is: a whole number from 0 to {@code max} of
     * {@code words} (milliseconds, links), one of the driver's names or numbers for its type
     * ({@code words} says what it is: "a bonding mode"), a list of IPv4 addresses, or a card's port.
     */
    public record Value(Kind kind, int max, String words) {
        public enum Kind { NUMBER, CHOICE, IPV4_LIST, SLOT_PORT }

        /** The driver takes up to INT_MAX; a monitor or delay longer than a minute is a typo. */
        public static final Value MILLISECONDS = new Value(Kind.NUMBER, 60_000, "milliseconds");

        static Value choice(String words) {
            return new Value(Kind.CHOICE, 0, words);
        }
    }

    /**
     * Where a link dump carries the option: its IFLA_BOND_* attribute (linux/if_link.h) in the
     * bond's IFLA_INFO_DATA, and its form there (an enum as its number).
     */
    public record Attr(int id, Form form) {
        public enum Form { U8, U32, IPV4_LIST, NOT_READ }

        static Attr u8(int id) {
            return new Attr(id, Form.U8);
        }

        static Attr u32(int id) {
            return new Attr(id, Form.U32);
        }
    }

    /** Sets of modes the entries name (a nested class: an enum's constants cannot read its own statics). */
    private static final class Modes {
        static final Set<BondMode> ALL = Collections.unmodifiableSet(EnumSet.allOf(BondMode.class));
        /** bond_mode_uses_arp: the ARP monitor's modes. */
        static final Set<BondMode> ARP_MONITOR = Collections.unmodifiableSet(EnumSet.complementOf(
                EnumSet.of(BondMode.IEEE_802_3AD, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB)));
        static final Set<BondMode> ACTIVE_SLAVE = Collections.unmodifiableSet(
                EnumSet.of(BondMode.ACTIVE_BACKUP, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB));
        static final Set<BondMode> ONE_ACTIVE = Collections.unmodifiableSet(EnumSet.of(BondMode.ACTIVE_BACKUP));
        static final Set<BondMode> LACP = Collections.unmodifiableSet(EnumSet.of(BondMode.IEEE_802_3AD));
        /** The modes that pick a slave by hashing the packet's headers. */
        static final Set<BondMode> HASHING = Collections.unmodifiableSet(
                EnumSet.of(BondMode.BALANCE_XOR, BondMode.IEEE_802_3AD, BondMode.BALANCE_TLB));
    }

    /** What setting an option in a mode where it does nothing comes to. */
    public enum Elsewhere {
        /** Nothing: it does something in every mode. */
        NONE,
        /** One of the ARP monitor's options, which the driver refuses (or leaves unused) outside its modes. */
        ARP_MONITOR,
        /** The driver refuses the write ("mode dependency failed"). */
        REFUSED,
        /** The driver takes the value and quietly does something else than it says. */
        IGNORED,
        /** The driver takes the value and it changes nothing: harmless, but not what was meant. */
        POINTLESS
    }

    /** The driver's sysfs file under bonding/ and the had.conf key: the same word. */
    public final String key;
    /** Its name in the control protocol's bond options (v1: the list of ARP targets is plural). */
    public final String wireKey;
    /** What a freshly created bond has (bonding module defaults). */
    public final Object kernelDefault;
    /** The modes the driver takes a write of it in (bond_options.c: the complement of its unsuppmodes). */
    private final Set<BondMode> takenIn;
    /** The modes it does anything in. */
    private final Set<BondMode> mattersIn;
    /** What setting it in another mode comes to. */
    public final Elsewhere elsewhere;
    /** Where the kernel's link dump carries it. */
    public final Attr attr;
    /** What had.conf takes for it. */
    public final Value hadConf;

    BondOption(String key, Object kernelDefault, Value hadConf, Set<BondMode> modes, Attr attr) {
        this(key, key, kernelDefault, hadConf, modes, modes, Elsewhere.NONE, attr);
    }

    BondOption(String key, Object kernelDefault, Value hadConf, Set<BondMode> takenIn, Set<BondMode> mattersIn,
               Elsewhere elsewhere, Attr attr) {
        this(key, key, kernelDefault, hadConf, takenIn, mattersIn, elsewhere, attr);
    }

    BondOption(String key, String wireKey, Object kernelDefault, Value hadConf, Set<BondMode> takenIn,
               Set<BondMode> mattersIn, Elsewhere elsewhere, Attr attr) {
        this.key = key;
        this.wireKey = wireKey;
        this.kernelDefault = kernelDefault;
        this.hadConf = hadConf;
        this.takenIn = takenIn;
        this.mattersIn = mattersIn;
        this.elsewhere = elsewhere;
        this.attr = attr;
    }

    /** For an option whose values are one of the driver's enums: that enum (else null). */
    @SuppressWarnings("unchecked")
    public <E extends Enum<E> & KernelEnum> Class<E> choices() {
        return kernelDefault instanceof Enum<?> e ? (Class<E>) e.getDeclaringClass() : null;
    }

    /**
     * Whether {@code v} is a value of this option as {@link BondOptions} holds it: a number, one of
     * its enum's constants, a list of IPv4 addresses, or an interface name (null: none).
     */
    boolean holds(Object v) {
        return switch (hadConf.kind()) {
            case NUMBER -> v instanceof Integer n && n >= 0;
            case CHOICE -> choices().isInstance(v);
            case IPV4_LIST -> v instanceof List<?> l && l.stream().allMatch(x -> x instanceof Inet4Address);
            case SLOT_PORT -> v == null || v instanceof String;
        };
    }

    /** Whether the driver takes a write of this option in {@code mode} (else: "mode dependency failed"). */
    public boolean takenIn(BondMode mode) {
        return takenIn.contains(mode);
    }

    /** Whether the option does anything in {@code mode}. */
    public boolean mattersIn(BondMode mode) {
        return mattersIn.contains(mode);
    }

    /** "mode 802.3ad", "modes active-backup, balance-tlb and balance-alb": where it matters, in words. */
    public String modesItMattersIn() {
        return inWords(mattersIn, "mode ", "modes ");
    }

    /** The modes it does nothing in, in words ("802.3ad, balance-tlb and balance-alb"). */
    public String modesItDoesNothingIn() {
        return inWords(EnumSet.complementOf(EnumSet.copyOf(mattersIn)), "", "");
    }

    private static String inWords(Set<BondMode> modes, String one, String many) {
        List<String> names = new ArrayList<>();
        for (BondMode m : BondMode.values()) if (modes.contains(m)) names.add(m.kernelName());
        if (names.size() == 1) return one + names.get(0);
        return many + String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
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
        return Objects.equals(a.get(this), b.get(this));
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
        Object v = o.get(this);
        if (v instanceof KernelEnum k) return k.kernelName();
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object x : l) out.add(x instanceof InetAddress a ? a.getHostAddress() : String.valueOf(x));
            return out;
        }
        return v;
    }

    /** The value as the driver's sysfs file takes it: "" for no primary. */
    public String written(BondOptions o) {
        Object v = wire(o);
        return v == null ? "" : String.valueOf(v);
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
