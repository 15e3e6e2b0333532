package had.network.sim;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.LacpRate;
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import had.time.ManualClock;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A simulated chassis network with a manual clock, and shorthands for the tests. */
abstract class SimFixture {
    final ManualClock clock = new ManualClock();
    final SimNetwork net = new SimNetwork(clock);

    /** Moves time on and lets the monitors catch up. */
    void millis(long ms) {
        clock.advanceMillis(ms);
        net.advance();
    }

    long nowNanos() {
        return clock.nanos();
    }

    static BondOptions miimon(BondMode mode, int miimon, int updelay, int downdelay) {
        return new BondOptions(mode, miimon, updelay, downdelay, 0, List.of(), ArpValidate.NONE, null,
                PrimaryReselect.ALWAYS, LacpRate.SLOW, XmitHashPolicy.LAYER2, 0, FailOverMac.NONE);
    }

    static BondOptions arp(int interval, ArpValidate validate, String primary, String... targets) {
        List<Inet4Address> t = java.util.Arrays.stream(targets).map(SimFixture::ip).toList();
        return new BondOptions(BondMode.ACTIVE_BACKUP, 0, 0, 0, interval, t, validate, primary,
                PrimaryReselect.ALWAYS, LacpRate.SLOW, XmitHashPolicy.LAYER2, 0, FailOverMac.NONE);
    }

    static BondOptions withReselect(BondOptions o, String primary, PrimaryReselect reselect) {
        return new BondOptions(o.mode(), o.miimon(), o.updelay(), o.downdelay(), o.arpInterval(), o.arpIpTargets(),
                o.arpValidate(), primary, reselect, o.lacpRate(), o.xmitHashPolicy(), o.minLinks(), o.failOverMac());
    }

    static BondOptions withMinLinks(BondOptions o, int minLinks) {
        return new BondOptions(o.mode(), o.miimon(), o.updelay(), o.downdelay(), o.arpInterval(), o.arpIpTargets(),
                o.arpValidate(), o.primary(), o.primaryReselect(), o.lacpRate(), o.xmitHashPolicy(), minLinks,
                o.failOverMac());
    }

    static Inet4Address ip(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Two dual-port cards' worth of ports, eth0..eth3, cabled. */
    void ports(String... names) {
        for (String n : names) net.addPort(n, 1500);
    }

    /** An up bond with these slaves, in order. */
    void bond(String name, BondOptions options, String... slaves) {
        net.createBond(name, options);
        net.setUp(name, true);
        for (String s : slaves) net.enslave(name, s);
    }

    String active(String bond) {
        return net.read().bond(bond).activeSlave();
    }
}
