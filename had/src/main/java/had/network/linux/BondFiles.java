package had.network.linux;

import had.network.ArpValidate;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.FailOverMac;
import had.network.KernelEnum;
import had.network.LacpRate;
import had.network.NetworkException;
import had.network.PrimaryReselect;
import had.network.XmitHashPolicy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A bond's options as the driver prints them in /sys/class/net/BOND/bonding: enums as
 * "name number" ("active-backup 1", "layer2 0", "slow 0"), numbers in ms, lists space-separated,
 * an empty primary or active_slave when there is none.
 */
final class BondFiles {
    private final Sysfs sysfs;

    BondFiles(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    static String dir(String bond) {
        return "sys/class/net/" + bond + "/bonding/";
    }

    BondOptions options(String bond) {
        String d = dir(bond);
        return new BondOptions(
                kernelEnum(BondMode.class, d + "mode"),
                number(d + "miimon"),
                number(d + "updelay"),
                number(d + "downdelay"),
                number(d + "arp_interval"),
                targets(sysfs.read(d + "arp_ip_target"), d),
                kernelEnum(ArpValidate.class, d + "arp_validate"),
                emptyIsNull(sysfs.read(d + "primary")),
                kernelEnum(PrimaryReselect.class, d + "primary_reselect"),
                kernelEnum(LacpRate.class, d + "lacp_rate"),
                kernelEnum(XmitHashPolicy.class, d + "xmit_hash_policy"),
                number(d + "min_links"),
                kernelEnum(FailOverMac.class, d + "fail_over_mac"));
    }

    List<String> slaves(String bond) {
        return words(sysfs.read(dir(bond) + "slaves"));
    }

    String activeSlave(String bond) {
        return emptyIsNull(sysfs.read(dir(bond) + "active_slave"));
    }

    /** bonding_masters: the bonds that exist, space-separated on one line. */
    List<String> bonds() {
        return sysfs.tryRead("sys/class/net/bonding_masters").map(BondFiles::words).orElse(List.of());
    }

    static List<String> words(String text) {
        List<String> w = new ArrayList<>();
        for (String s : text.trim().split("\\s+")) if (!s.isEmpty()) w.add(s);
        return w;
    }

    private static String emptyIsNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private int number(String file) {
        String v = sysfs.read(file);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new NetworkException("unexpected value '" + v + "' in " + sysfs.path(file));
        }
    }

    /** The first word is the name; the number after it is the same value again. */
    private <E extends Enum<E> & KernelEnum> E kernelEnum(Class<E> type, String file) {
        String v = sysfs.read(file);
        List<String> w = words(v);
        return KernelEnum.parse(type, w.isEmpty() ? "" : w.get(0)).orElseThrow(
                () -> new NetworkException("unexpected value '" + v + "' in " + sysfs.path(file)));
    }

    private List<Inet4Address> targets(String text, String d) {
        List<Inet4Address> t = new ArrayList<>();
        for (String w : words(text)) {
            try {
                t.add(ipv4(w));
            } catch (NetworkException e) {
                throw new NetworkException("unexpected ARP target '" + w + "' in " + sysfs.path(d + "arp_ip_target"));
            }
        }
        return t;
    }

    private static Inet4Address ipv4(String text) {
        try {
            // Only literals: a name here must never turn into a DNS lookup.
            if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}") && InetAddress.getByName(text) instanceof Inet4Address a) return a;
        } catch (UnknownHostException e) {
            // reported by the caller
        }
        throw new NetworkException("not an IPv4 address: " + text);
    }
}
