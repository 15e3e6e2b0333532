package had.network;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A value for every option of the Linux bonding driver that had manages ({@link BondOption}'s
 * table), in the driver's units (milliseconds for the monitors). The primary is an interface name
 * or null; the configuration names it as a slot and port and the core resolves it to the interface
 * there. Immutable; built from the table, so an option added to the table is held here without a
 * change. The typed getters are for the code that reasons about a particular option.
 */
public final class BondOptions {
    /** What a freshly created bond has before anything is written (bonding module defaults). */
    public static final BondOptions KERNEL_DEFAULTS = of(o -> o.kernelDefault);

    private final Map<BondOption, Object> values;

    private BondOptions(Map<BondOption, Object> values) {
        this.values = values;
    }

    /** Options from each option's value (checked against the table: the wrong type is a bug, said at once). */
    public static BondOptions of(Function<BondOption, Object> v) {
        Map<BondOption, Object> values = new EnumMap<>(BondOption.class);
        for (BondOption o : BondOption.values()) values.put(o, checked(o, v.apply(o)));
        return new BondOptions(values);
    }

    private static Object checked(BondOption o, Object v) {
        if (o == BondOption.PRIMARY && "".equals(v)) v = null; // the driver shows none as an empty file
        if (!o.holds(v)) throw new IllegalArgumentException(o.key + ": " + v + " is not a value of this option");
        return v instanceof List<?> l ? List.copyOf(l) : v;
    }

    /** The driver's own defaults, except miimon: a bond nobody monitors never fails over. */
    public static BondOptions defaults(BondMode mode) {
        return KERNEL_DEFAULTS.with(BondOption.MODE, mode).with(BondOption.MIIMON, BondOptionPlan.DEFAULT_MIIMON);
    }

    /** These options with {@code option} set to {@code value}. */
    public BondOptions with(BondOption option, Object value) {
        Map<BondOption, Object> copy = new EnumMap<>(values);
        copy.put(option, checked(option, value));
        return new BondOptions(copy);
    }

    public BondOptions withPrimary(String ifname) {
        return with(BondOption.PRIMARY, ifname);
    }

    /** The value of {@code option}. */
    public Object get(BondOption option) {
        return values.get(option);
    }

    public BondMode mode() {
        return (BondMode) values.get(BondOption.MODE);
    }

    public int miimon() {
        return (Integer) values.get(BondOption.MIIMON);
    }

    public int updelay() {
        return (Integer) values.get(BondOption.UPDELAY);
    }

    public int downdelay() {
        return (Integer) values.get(BondOption.DOWNDELAY);
    }

    public int arpInterval() {
        return (Integer) values.get(BondOption.ARP_INTERVAL);
    }

    @SuppressWarnings("unchecked")
    public List<Inet4Address> arpIpTargets() {
        return (List<Inet4Address>) values.get(BondOption.ARP_IP_TARGET);
    }

    public ArpValidate arpValidate() {
        return (ArpValidate) values.get(BondOption.ARP_VALIDATE);
    }

    /** The primary's interface name, or null for none. */
    public String primary() {
        return (String) values.get(BondOption.PRIMARY);
    }

    public PrimaryReselect primaryReselect() {
        return (PrimaryReselect) values.get(BondOption.PRIMARY_RESELECT);
    }

    public LacpRate lacpRate() {
        return (LacpRate) values.get(BondOption.LACP_RATE);
    }

    public XmitHashPolicy xmitHashPolicy() {
        return (XmitHashPolicy) values.get(BondOption.XMIT_HASH_POLICY);
    }

    public int minLinks() {
        return (Integer) values.get(BondOption.MIN_LINKS);
    }

    public FailOverMac failOverMac() {
        return (FailOverMac) values.get(BondOption.FAIL_OVER_MAC);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BondOptions b && values.equals(b.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** "BondOptions[mode=active-backup, miimon=100, ...]": each option by its key, in the table's order. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (BondOption o : BondOption.values()) parts.add(o.key + "=" + o.show(this));
        return "BondOptions[" + String.join(", ", parts) + "]";
    }
}
