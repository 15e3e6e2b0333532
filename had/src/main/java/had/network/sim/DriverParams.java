package had.network.sim;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.LacpRate;
import had.network.PrimaryReselect;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** struct bond_params: the options as the driver stores them (delays in miimon periods). */
final class DriverParams {
    /** The driver's arp_missed_max default; BondOptions does not carry it. */
    static final int ARP_MISSED_MAX = 2;

    BondMode mode = BondMode.BALANCE_RR;
    int miimon;
    int updelayTicks;
    int downdelayTicks;
    int arpInterval;
    final List<Inet4Address> arpTargets = new ArrayList<>();
    ArpValidate arpValidate = ArpValidate.NONE;
    /** params.primary: the name, recorded even before such a slave exists. */
    String primaryName;
    PrimaryReselect primaryReselect = PrimaryReselect.ALWAYS;
    LacpRate lacpRate = LacpRate.SLOW;
    int minLinks;
    FailOverMac failOverMac = FailOverMac.NONE;

    /** The options the driver has no rules for: kept as written (DriverOptions). */
    final Map<BondOption, Object> kept = new EnumMap<>(BondOption.class);

    BondOptions toOptions(String enslavedPrimary) {
        return BondOptions.of(o -> switch (o) {
            case MODE -> mode;
            case MIIMON -> miimon;
            case UPDELAY -> updelayTicks * miimon;
            case DOWNDELAY -> downdelayTicks * miimon;
            case ARP_INTERVAL -> arpInterval;
            case ARP_IP_TARGET -> arpTargets;
            case ARP_VALIDATE -> arpValidate;
            case PRIMARY -> enslavedPrimary;
            case PRIMARY_RESELECT -> primaryReselect;
            case LACP_RATE -> lacpRate;
            case MIN_LINKS -> minLinks;
            case FAIL_OVER_MAC -> failOverMac;
            default -> kept.getOrDefault(o, o.kernelDefault);
        });
    }
}
