package had.network.linux;

import had.network.IfAddress;
import had.network.NetworkException;
import had.os.LibC;
import had.os.NetlinkError;
import had.os.NetlinkSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Rtnetlink} over a NETLINK_ROUTE socket of this process's network namespace, opened on first use. */
final class KernelRtnetlink implements Rtnetlink {
    private static final int ENODEV = 19;
    private NetlinkSocket socket;

    @Override
    public List<KernelLink> links() {
        try {
            return KernelLink.parse(socket().dump(RtnlMessages.getLinks()));
        } catch (IOException e) {
            throw new NetworkException("cannot read the links: " + e.getMessage(), e);
        }
    }

    /** One RTM_GETLINK of the interface's index, not a dump of every link. */
    @Override
    public Optional<KernelLink> link(String ifname) {
        int index = LibC.get().if_nametoindex(ifname);
        if (index <= 0) return Optional.empty();
        try {
            return KernelLink.parse(List.of(socket().get(RtnlMessages.getLink(index)))).stream()
                    .filter(k -> k.name().equals(ifname)).findFirst();
        } catch (IOException e) {
            if (e instanceof NetlinkError n && n.errno() == ENODEV) return Optional.empty(); // gone since its index was looked up
            throw new NetworkException(ifname + ": cannot read the link: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<Integer, List<IfAddress>> addresses() {
        try {
            return RtnlMessages.parseAddrs(socket().dump(RtnlMessages.getAddrs()));
        } catch (IOException e) {
            throw new NetworkException("cannot read the IPv4 addresses: " + e.getMessage(), e);
        }
    }

    @Override
    public void setUp(String ifname, boolean up) {
        call(ifname, "set " + ifname + (up ? " up" : " down"), RtnlMessages.setLink(index(ifname), up, null));
    }

    @Override
    public void setMtu(String ifname, int mtu) {
        call(ifname, "set " + ifname + " mtu " + mtu, RtnlMessages.setLink(index(ifname), null, mtu));
    }

    @Override
    public void addAddress(String ifname, IfAddress address) {
        call(ifname, "add " + address + " to " + ifname, RtnlMessages.newAddr(index(ifname), address));
    }

    @Override
    public void removeAddress(String ifname, IfAddress address) {
        call(ifname, "remove " + address + " from " + ifname, RtnlMessages.delAddr(index(ifname), address));
    }

    @Override
    public void createVlan(String parent, int vlanId, String name) {
        call(name, "create VLAN " + vlanId + " on " + parent, RtnlMessages.newVlan(index(parent), name, vlanId));
    }

    @Override
    public void deleteLink(String ifname) {
        call(ifname, "delete " + ifname, RtnlMessages.delLink(index(ifname)));
    }

    private void call(String subject, String what, ByteBuffer request) {
        try {
            socket().call(request);
        } catch (IOException e) {
            throw new NetworkException(subject + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private int index(String ifname) {
        int i = LibC.get().if_nametoindex(ifname);
        if (i <= 0) throw new NetworkException(ifname + ": no such interface");
        return i;
    }

    private synchronized NetlinkSocket socket() throws IOException {
        if (socket == null) socket = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
        return socket;
    }
}
