package had.network.sim;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.LacpRate;
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

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
    XmitHashPolicy xmitHashPolicy = XmitHashPolicy.LAYER2;
    int minLinks;
    FailOverMac failOverMac = FailOverMac.NONE;

    BondOptions toOptions(String enslavedPrimary) {
        return new BondOptions(mode, miimon, updelayTicks * miimon, downdelayTicks * miimon, arpInterval,
                arpTargets, arpValidate, enslavedPrimary, primaryReselect, lacpRate, xmitHashPolicy, minLinks,
                failOverMac);
    }
}
