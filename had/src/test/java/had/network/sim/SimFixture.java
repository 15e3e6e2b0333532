package had.network.sim;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOption;
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
        return BondOptions.defaults(mode).with(BondOption.MIIMON, miimon).with(BondOption.UPDELAY, updelay)
                .with(BondOption.DOWNDELAY, downdelay);
    }

    static BondOptions arp(int interval, ArpValidate validate, String primary, String... targets) {
        List<Inet4Address> t = java.util.Arrays.stream(targets).map(SimFixture::ip).toList();
        return BondOptions.defaults(BondMode.ACTIVE_BACKUP).with(BondOption.MIIMON, 0).with(BondOption.ARP_INTERVAL, interval)
                .with(BondOption.ARP_IP_TARGET, t).with(BondOption.ARP_VALIDATE, validate).withPrimary(primary);
    }

    static BondOptions withReselect(BondOptions o, String primary, PrimaryReselect reselect) {
        return o.withPrimary(primary).with(BondOption.PRIMARY_RESELECT, reselect);
    }

    static BondOptions withMinLinks(BondOptions o, int minLinks) {
        return o.with(BondOption.MIN_LINKS, minLinks);
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
