package had.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * For each bonding option, a value other than its driver default and than bond0's in
 * conf/had.conf, for the tests that walk the option table. A new option in the table makes those
 * tests ask for one here.
 */
public final class OptionSamples {
    private static final Map<BondOption, Object> OTHER = Map.ofEntries(
            Map.entry(BondOption.MODE, BondMode.BALANCE_XOR),
            Map.entry(BondOption.MIIMON, 200),
            Map.entry(BondOption.UPDELAY, 400),
            Map.entry(BondOption.DOWNDELAY, 400),
            Map.entry(BondOption.ARP_INTERVAL, 100),
            Map.entry(BondOption.ARP_IP_TARGET, List.of(ip("10.0.1.100"))),
            Map.entry(BondOption.ARP_VALIDATE, ArpValidate.ACTIVE),
            Map.entry(BondOption.PRIMARY, "eth1"),
            Map.entry(BondOption.PRIMARY_RESELECT, PrimaryReselect.FAILURE),
            Map.entry(BondOption.LACP_RATE, LacpRate.FAST),
            Map.entry(BondOption.XMIT_HASH_POLICY, XmitHashPolicy.LAYER3_4),
            Map.entry(BondOption.MIN_LINKS, 1),
            Map.entry(BondOption.FAIL_OVER_MAC, FailOverMac.ACTIVE),
            Map.entry(BondOption.NUM_GRAT_ARP, 3));

    private OptionSamples() {
    }

    /** This option's other value; fails the test that asks when there is none. */
    public static Object other(BondOption option) {
        Object v = OTHER.get(option);
        if (v == null) throw new AssertionError("no sample value for " + option.key + " in OptionSamples: add one");
        return v;
    }

    /** {@code o} with {@code option} set to its other value. */
    public static BondOptions other(BondOptions o, BondOption option) {
        return o.with(option, other(option));
    }

    private static Inet4Address ip(String a) {
        try {
            return (Inet4Address) InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }
}
