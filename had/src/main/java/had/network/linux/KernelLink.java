package had.network.linux;

import static had.network.linux.RtnlMessages.HDR;
import static had.network.linux.RtnlMessages.IFINFOMSG;
import static had.network.linux.RtnlMessages.IFLA_IFNAME;
import static had.network.linux.RtnlMessages.IFLA_INFO_DATA;
import static had.network.linux.RtnlMessages.IFLA_INFO_KIND;
import static had.network.linux.RtnlMessages.IFLA_LINK;
import static had.network.linux.RtnlMessages.IFLA_LINKINFO;
import static had.network.linux.RtnlMessages.IFLA_MTU;
import static had.network.linux.RtnlMessages.IFLA_VLAN_ID;
import static had.network.linux.RtnlMessages.RTM_NEWLINK;

import had.network.BondOption;
import had.network.BondOptions;
import had.network.KernelEnum;
import had.network.MiiStatus;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One interface as an RTM_GETLINK dump describes it: everything {@link LinuxNetwork#read()}
 * needs of a link, its bond and its bond-slave role, from one message instead of a dozen sysfs
 * files, so that a reading of the whole network is one round trip to the kernel.
 *
 * @param masterIndex the bond (or bridge) it is enslaved to, 0 for none
 * @param lowerIndex  what a VLAN sits on (IFLA_LINK), 0 for none
 * @param kind        IFLA_INFO_KIND ("bond", "vlan", "veth"...), null for a plain device
 * @param vlanId      the VLAN id, -1 for anything else
 * @param bond        for a bond, its options (primary null: see {@link BondInfo}) and state; else null
 * @param mii         for a bond's slave, the driver's view of its link; else null
 */
record KernelLink(int index, String name, boolean up, boolean ethernet, int mtu, boolean carrier, int masterIndex,
                  int lowerIndex, String kind, int vlanId, BondInfo bond, MiiStatus mii) {
    private static final int ARPHRD_ETHER = 1;
    private static final int IFLA_MASTER = 10;
    private static final int IFLA_CARRIER = 33;
    private static final int IFLA_INFO_SLAVE_KIND = 4;
    private static final int IFLA_INFO_SLAVE_DATA = 5;

    // linux/if_link.h, enum IFLA_BOND_*: the options' are in BondOption's table
    private static final int IFLA_BOND_ACTIVE_SLAVE = 2;
    private static final int IFLA_BOND_ALL_SLAVES_ACTIVE = 17;
    private static final int IFLA_BOND_SLAVE_MII_STATUS = 2;

    /**
     * A bond's side of the dump. The options' primary is left null: the dump names a primary only
     * while it is enslaved (IFLA_BOND_PRIMARY is the primary slave's index), but the driver keeps
     * the name it was given for a port that is not there yet, and that is what had compares with.
     */
    record BondInfo(BondOptions options, int activeSlaveIndex, boolean allSlavesActive) {
    }

    /** A dump's RTM_NEWLINK messages, in the kernel's order; a message whose length does not fit is skipped. */
    static List<KernelLink> parse(List<ByteBuffer> messages) {
        List<KernelLink> links = new ArrayList<>();
        for (ByteBuffer raw : messages) {
            ByteBuffer b = raw.duplicate().order(ByteOrder.nativeOrder());
            if (b.limit() < HDR + IFINFOMSG || b.getShort(4) != RTM_NEWLINK) continue;
            int length = b.getInt(0);
            if (length < HDR + IFINFOMSG || length > b.limit()) continue;
            KernelLink l = parseOne(b.slice(0, length).order(ByteOrder.nativeOrder()));
            if (l != null) links.add(l);
        }
        return links;
    }

    private static KernelLink parseOne(ByteBuffer b) {
        int type = Short.toUnsignedInt(b.getShort(HDR + 2));
        int index = b.getInt(HDR + 4);
        int flags = b.getInt(HDR + 8);
        NetlinkAttrs a = NetlinkAttrs.of(b, HDR + IFINFOMSG, b.limit());
        String name = a.string(IFLA_IFNAME);
        if (name == null) return null;
        String kind = null;
        int vlanId = -1;
        BondInfo bond = null;
        MiiStatus mii = null;
        NetlinkAttrs info = a.nested(IFLA_LINKINFO);
        if (info != null) {
            kind = info.string(IFLA_INFO_KIND);
            NetlinkAttrs data = info.nested(IFLA_INFO_DATA);
            if ("vlan".equals(kind) && data != null) vlanId = data.u16(IFLA_VLAN_ID, -1);
            if ("bond".equals(kind) && data != null) bond = bondInfo(data);
            NetlinkAttrs slave = info.nested(IFLA_INFO_SLAVE_DATA);
            if ("bond".equals(info.string(IFLA_INFO_SLAVE_KIND)) && slave != null) {
                int s = slave.u8(IFLA_BOND_SLAVE_MII_STATUS, MiiStatus.DOWN.ordinal());
                // linux/if_bonding.h numbers BOND_LINK_UP, FAIL, DOWN, BACK as MiiStatus declares them.
                mii = s < MiiStatus.values().length ? MiiStatus.values()[s] : MiiStatus.DOWN;
            }
        }
        return new KernelLink(index, name, (flags & RtnlMessages.IFF_UP) != 0, type == ARPHRD_ETHER,
                a.u32(IFLA_MTU, 0), a.u8(IFLA_CARRIER, 0) == 1, a.u32(IFLA_MASTER, 0), a.u32(IFLA_LINK, 0),
                kind, vlanId, bond, mii);
    }

    private static BondInfo bondInfo(NetlinkAttrs d) {
        BondOptions o = BondOptions.of(option -> value(option, d));
        return new BondInfo(o, d.u32(IFLA_BOND_ACTIVE_SLAVE, 0), d.u8(IFLA_BOND_ALL_SLAVES_ACTIVE, 0) == 1);
    }

    /** One option from its attribute (BondOption's table says which, and in what form). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(BondOption option, NetlinkAttrs d) {
        BondOption.Attr attr = option.attr;
        switch (attr.form()) {
            case NOT_READ:
                return null;
            case IPV4_LIST: {
                List<Inet4Address> targets = new ArrayList<>();
                NetlinkAttrs t = d.nested(attr.id());
                if (t != null) {
                    for (int off : t.offsets()) {
                        Inet4Address target = t.ipv4At(off);
                        if (target != null) targets.add(target);
                    }
                }
                return targets;
            }
            default: {
                int n = attr.form() == BondOption.Attr.Form.U8 ? d.u8(attr.id(), 0) : d.u32(attr.id(), 0);
                Class type = option.choices();
                if (type != null) return number(type, n); // an enum by its number
                if (n < 0) {
                    throw new had.network.NetworkException("the kernel reports " + option.key + " "
                            + Integer.toUnsignedString(n) + ", beyond what had handles");
                }
                return n;
            }
        }
    }

    private static <E extends Enum<E> & KernelEnum> E number(Class<E> type, int n) {
        return KernelEnum.parse(type, String.valueOf(n)).orElseThrow(() -> new had.network.NetworkException(
                "the kernel reports " + type.getSimpleName() + " " + n + ", which had does not know"));
    }
}
