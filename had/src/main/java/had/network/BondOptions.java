package had.network;

import java.net.Inet4Address;
import java.util.List;

/**
 * Every option of the Linux bonding driver that had manages, in the driver's units
 * (milliseconds for the monitors). {@code primary} is an interface name or null; the
 * configuration names it as a slot and port and the core resolves it to the interface there.
 */
public record BondOptions(
        BondMode mode,
        int miimon,
        int updelay,
        int downdelay,
        int arpInterval,
        List<Inet4Address> arpIpTargets,
        ArpValidate arpValidate,
        String primary,
        PrimaryReselect primaryReselect,
        LacpRate lacpRate,
        XmitHashPolicy xmitHashPolicy,
        int minLinks,
        FailOverMac failOverMac) {

    public BondOptions {
        arpIpTargets = List.copyOf(arpIpTargets);
    }

    /**
     * Options from each option's value ({@link BondOption}'s table; a reader that goes through
     * the table, the kernel's link dump for one, builds them here).
     */
    @SuppressWarnings("unchecked")
    public static BondOptions of(java.util.function.Function<BondOption, Object> v) {
        return new BondOptions((BondMode) v.apply(BondOption.MODE), (Integer) v.apply(BondOption.MIIMON),
                (Integer) v.apply(BondOption.UPDELAY), (Integer) v.apply(BondOption.DOWNDELAY),
                (Integer) v.apply(BondOption.ARP_INTERVAL), (List<Inet4Address>) v.apply(BondOption.ARP_IP_TARGET),
                (ArpValidate) v.apply(BondOption.ARP_VALIDATE), (String) v.apply(BondOption.PRIMARY),
                (PrimaryReselect) v.apply(BondOption.PRIMARY_RESELECT), (LacpRate) v.apply(BondOption.LACP_RATE),
                (XmitHashPolicy) v.apply(BondOption.XMIT_HASH_POLICY), (Integer) v.apply(BondOption.MIN_LINKS),
                (FailOverMac) v.apply(BondOption.FAIL_OVER_MAC));
    }

    /** The driver's own defaults, except miimon: a bond nobody monitors never fails over. */
    public static BondOptions defaults(BondMode mode) {
        return new BondOptions(mode, 100, 0, 0, 0, List.of(), ArpValidate.NONE, null,
                PrimaryReselect.ALWAYS, LacpRate.SLOW, XmitHashPolicy.LAYER2, 0, FailOverMac.NONE);
    }

    public BondOptions withPrimary(String ifname) {
        return new BondOptions(mode, miimon, updelay, downdelay, arpInterval, arpIpTargets, arpValidate,
                ifname, primaryReselect, lacpRate, xmitHashPolicy, minLinks, failOverMac);
    }

    /** The primary's interface name, or null for none (the driver shows none as an empty file). */
    public String primaryName() {
        return primary == null || primary.isEmpty() ? null : primary;
    }

    public boolean arpMonitored() {
        return arpInterval > 0 && !arpIpTargets.isEmpty();
    }
}
