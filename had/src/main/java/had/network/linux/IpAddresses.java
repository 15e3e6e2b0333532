package had.network.linux;

import had.network.IfAddress;
import had.network.NetworkException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The IPv4 addresses per interface from {@code ip -json -4 addr show}. */
final class IpAddresses {
    private IpAddresses() {
    }

    static Map<String, List<IfAddress>> parse(String json) {
        Map<String, List<IfAddress>> byName = new LinkedHashMap<>();
        Object root;
        try {
            root = Json.parse(json.isBlank() ? "[]" : json);
        } catch (IllegalArgumentException e) {
            throw new NetworkException("cannot read ip -json addr output: " + e.getMessage(), e);
        }
        for (Object o : (List<?>) root) {
            Map<?, ?> link = (Map<?, ?>) o;
            if (!(link.get("ifname") instanceof String name)) continue;
            List<IfAddress> addrs = new ArrayList<>();
            if (link.get("addr_info") instanceof List<?> infos) {
                for (Object i : infos) {
                    Map<?, ?> info = (Map<?, ?>) i;
                    if (!"inet".equals(info.get("family"))) continue;
                    Inet4Address local = ipv4((String) info.get("local"));
                    int prefix = ((Number) info.get("prefixlen")).intValue();
                    Inet4Address brd = info.get("broadcast") instanceof String b ? ipv4(b) : null;
                    addrs.add(new IfAddress(local, prefix, brd));
                }
            }
            byName.put(name, addrs);
        }
        return byName;
    }

    static Inet4Address ipv4(String text) {
        try {
            // Only literals: a name here must never turn into a DNS lookup.
            if (text != null && text.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                    && InetAddress.getByName(text) instanceof Inet4Address a) {
                return a;
            }
        } catch (UnknownHostException e) {
            // reported below
        }
        throw new NetworkException("not an IPv4 address in ip output: " + text);
    }
}
