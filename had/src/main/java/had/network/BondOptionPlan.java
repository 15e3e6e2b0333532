package had.network;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered sysfs writes that take a bond from the options it has to the options wanted, in
 * the order the bonding driver accepts them, writing only what differs. Both adapters follow the
 * same plan: the Linux one writes it to sysfs, the simulation feeds it to its model of the driver,
 * so the simulation also proves that the plan is one the driver would take.
 *
 * <p>Rules of the driver (bond_options.c) the order follows:
 * <ul>
 * <li>mode only while the bond has no slaves and is down; lacp_rate only while it is down. A bond
 *     without slaves carries no traffic, so it is taken down around those writes; a bond with
 *     slaves is refused rather than bounced, because bouncing it is an outage;</li>
 * <li>fail_over_mac only without slaves;</li>
 * <li>a mode change resets arp_validate, and a mode without ARP monitoring drops arp_interval and
 *     turns miimon on, so what differs is worked out against the bond as the mode change leaves it;</li>
 * <li>miimon and arp_interval exclude each other (writing one non-zero zeroes the other);</li>
 * <li>updelay and downdelay are kept by the driver as multiples of miimon and refused while miimon
 *     is 0, so they are written after miimon, and again whenever miimon changes;</li>
 * <li>arp_ip_target takes one "+addr" or "-addr" per write.</li>
 * </ul>
 * The options these rules leave alone are written after them in the table's order ({@link BondOption}).
 * Every check that would make the driver refuse a write is made before the first write, so a plan
 * either applies whole or is refused whole.
 */
public final class BondOptionPlan {
    /**
     * The options written by the rules below, in their order; every other option is written after
     * them, in the table's order, where it differs.
     */
    private static final Set<BondOption> BY_RULE = Collections.unmodifiableSet(EnumSet.of(BondOption.MODE,
            BondOption.FAIL_OVER_MAC, BondOption.MIIMON, BondOption.UPDELAY, BondOption.DOWNDELAY,
            BondOption.ARP_INTERVAL, BondOption.ARP_IP_TARGET));

    /** The driver's default miimon, which it turns on when a mode without ARP monitoring is set. */
    public static final int DEFAULT_MIIMON = 100;

    /** BOND_MAX_ARP_TARGETS. */
    public static final int MAX_ARP_TARGETS = 16;

    public enum Action { WRITE, BOND_DOWN, BOND_UP }

    /** One step: write {@code value} to bonding/{@code option}, or take the bond down or up. */
    public record Step(Action action, String option, String value) {
        static Step write(String option, String value) {
            return new Step(Action.WRITE, option, value);
        }

        @Override
        public String toString() {
            return action == Action.WRITE ? option + "=" + value : action.name();
        }
    }

    private BondOptionPlan() {
    }

    public static List<Step> plan(String bond, BondOptions current, BondOptions wanted, boolean hasSlaves,
                                  boolean up) {
        BondOptions now = current;
        boolean modeChanges = now.mode() != wanted.mode();
        if (modeChanges) now = afterModeChange(now, wanted.mode());
        check(bond, current, now, wanted, hasSlaves, up);

        boolean bounce = up && (modeChanges || now.lacpRate() != wanted.lacpRate());
        List<Step> steps = new ArrayList<>();
        if (bounce) steps.add(new Step(Action.BOND_DOWN, null, null));
        if (modeChanges) steps.add(Step.write(BondOption.MODE.key, wanted.mode().kernelName()));
        if (now.failOverMac() != wanted.failOverMac()) {
            steps.add(Step.write(BondOption.FAIL_OVER_MAC.key, wanted.failOverMac().kernelName()));
        }
        monitoring(now, wanted, steps);
        for (BondOption o : BondOption.values()) {
            if (!BY_RULE.contains(o) && !o.same(now, wanted)) steps.add(Step.write(o.key, o.written(wanted)));
        }
        if (bounce) steps.add(new Step(Action.BOND_UP, null, null));
        return steps;
    }

    /** What the driver's mode setter does to the other options besides the mode itself. */
    public static BondOptions afterModeChange(BondOptions o, BondMode mode) {
        boolean arp = usesArp(mode);
        return o.with(BondOption.MODE, mode).with(BondOption.MIIMON, !arp && o.miimon() == 0 ? DEFAULT_MIIMON : o.miimon())
                .with(BondOption.ARP_INTERVAL, arp ? o.arpInterval() : 0).with(BondOption.ARP_VALIDATE, ArpValidate.NONE);
    }

    /** Modes in which the driver accepts ARP monitoring (bond_mode_uses_arp). */
    public static boolean usesArp(BondMode mode) {
        return BondOption.ARP_INTERVAL.takenIn(mode);
    }

    /** A delay as the driver keeps it: rounded down to a whole number of miimon periods. */
    public static int roundedDelay(int delayMs, int miimon) {
        return miimon == 0 ? 0 : delayMs / miimon * miimon;
    }

    private static void monitoring(BondOptions now, BondOptions wanted, List<Step> steps) {
        boolean miimonWritten = false;
        if (wanted.arpInterval() > 0) {
            targets(now.arpIpTargets(), wanted.arpIpTargets(), steps);
            if (now.arpInterval() != wanted.arpInterval()) {
                steps.add(Step.write(BondOption.ARP_INTERVAL.key, String.valueOf(wanted.arpInterval())));
            }
        } else {
            if (now.arpInterval() != 0) steps.add(Step.write(BondOption.ARP_INTERVAL.key, "0"));
            if (now.miimon() != wanted.miimon() || now.arpInterval() != 0 && wanted.miimon() > 0) {
                steps.add(Step.write(BondOption.MIIMON.key, String.valueOf(wanted.miimon())));
                miimonWritten = true;
            }
            targets(now.arpIpTargets(), wanted.arpIpTargets(), steps);
        }
        if (wanted.miimon() == 0) return;
        // The driver keeps the delays in miimon periods: a new miimon silently rescales them.
        if (miimonWritten || roundedDelay(wanted.updelay(), wanted.miimon()) != now.updelay()) {
            steps.add(Step.write(BondOption.UPDELAY.key, String.valueOf(wanted.updelay())));
        }
        if (miimonWritten || roundedDelay(wanted.downdelay(), wanted.miimon()) != now.downdelay()) {
            steps.add(Step.write(BondOption.DOWNDELAY.key, String.valueOf(wanted.downdelay())));
        }
    }

    private static void targets(List<Inet4Address> now, List<Inet4Address> wanted, List<Step> steps) {
        for (Inet4Address t : now) if (!wanted.contains(t)) steps.add(Step.write(BondOption.ARP_IP_TARGET.key, "-" + t.getHostAddress()));
        for (Inet4Address t : wanted) if (!now.contains(t)) steps.add(Step.write(BondOption.ARP_IP_TARGET.key, "+" + t.getHostAddress()));
    }

    private static void check(String bond, BondOptions current, BondOptions now, BondOptions wanted,
                              boolean hasSlaves, boolean up) {
        if (wanted.miimon() > 0 && wanted.arpInterval() > 0) {
            throw new NetworkException(bond + ": miimon and arp_interval exclude each other: set one of them to 0");
        }
        if (wanted.miimon() == 0 && (wanted.updelay() > 0 || wanted.downdelay() > 0)) {
            throw new NetworkException(bond + ": updelay and downdelay need miimon"
                    + " (driver: Unable to set up delay as MII monitoring is disabled)");
        }
        if (current.mode() != wanted.mode() && hasSlaves) throw refused(bond, BondOption.MODE.key, "the bond device has slaves");
        if (now.failOverMac() != wanted.failOverMac() && hasSlaves) {
            throw refused(bond, BondOption.FAIL_OVER_MAC.key, "the bond device has slaves");
        }
        BondMode mode = wanted.mode();
        for (BondOption o : BondOption.values()) {
            if (!o.takenIn(mode) && !o.same(now, wanted)) throw unsupported(bond, o.key, mode);
        }
        if (now.lacpRate() != wanted.lacpRate() && up && hasSlaves) {
            throw refused(bond, BondOption.LACP_RATE.key, "the bond device is up");
        }
        if (wanted.arpIpTargets().size() > MAX_ARP_TARGETS) {
            throw new NetworkException(bond + ": at most " + MAX_ARP_TARGETS + " arp_ip_target (driver: ARP target table is full!)");
        }
    }

    static NetworkException refused(String bond, String option, String why) {
        return new NetworkException(bond + ": option " + option + ": unable to set because " + why);
    }

    static NetworkException unsupported(String bond, String option, BondMode mode) {
        return new NetworkException(bond + ": option " + option + ": mode dependency failed, not supported in mode "
                + mode.kernelName() + "(" + mode.number() + ")");
    }
}
