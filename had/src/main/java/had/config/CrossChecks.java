package had.config;

import had.network.IfAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that look across sections: names that must be declared, ports that cannot carry what
 * they are given, addresses used twice, a primary or min_links the slots cannot satisfy.
 * Overlapping subnets and unused declarations are warnings: the kernel takes them and had can run,
 * but they are rarely what the operator meant.
 */
final class CrossChecks {
    private final HadConfDraft c;
    private final Diagnostics d;
    /** bond name -> the ports enslaved into it, in slot order. */
    private final Map<String, List<SlotPort>> slaves = new LinkedHashMap<>();
    /** config name -> the ports using it. */
    private final Map<String, List<SlotPort>> users = new LinkedHashMap<>();

    private CrossChecks(HadConfDraft c, Diagnostics d) {
        this.c = c;
        this.d = d;
    }

    static void check(HadConfDraft draft, Diagnostics d) {
        new CrossChecks(draft, d).run();
    }

    private void run() {
        checkConfigBonds();
        for (Located<SlotConfig> slot : c.slots.values()) checkSlot(slot);
        checkPlainConfigsUsedOnce();
        checkBondsAgainstSlaves();
        checkAddresses();
        checkPathTargets();
        checkUnused();
    }

    private void checkConfigBonds() {
        for (Located<PortConfig> lc : c.configs.values()) {
            PortConfig pc = lc.value();
            if (pc.bond() == null) continue;
            Located<BondConfig> bond = c.bonds.get(pc.bond());
            if (bond == null) {
                d.error(lc.lineOf("bond"), "[config " + pc.name() + "] enslaves into bond " + pc.bond()
                        + ", which no [bond " + pc.bond() + "] declares: " + declared("bonds", c.bonds.keySet())
                        + "; add the [bond] section or fix the name");
                continue;
            }
            int bondMtu = bond.value().mtu();
            if (pc.mtu() != 0 && pc.mtu() != bondMtu) {
                d.error(lc.lineOf("mtu"), "mtu = " + pc.mtu() + " in [config " + pc.name() + "] differs from "
                        + pc.bond() + "'s " + (bondMtu == 0 ? "(unset, driver default)" : "mtu = " + bondMtu)
                        + ": the bonding driver gives every slave the bond's MTU; set mtu on [bond "
                        + pc.bond() + "] and remove it here or make them equal");
            }
        }
    }

    /** What each port of the slot carries: declared configs, at most one untagged use, no clashes. */
    private void checkSlot(Located<SlotConfig> ls) {
        SlotConfig slot = ls.value();
        for (Map.Entry<Integer, List<String>> port : slot.ports().entrySet()) {
            SlotPort where = new SlotPort(slot.slot(), port.getKey());
            int line = ls.lineOf(String.valueOf(port.getKey()));
            List<PortConfig> known = new ArrayList<>();
            for (String name : port.getValue()) {
                Located<PortConfig> lc = c.configs.get(name);
                if (lc == null) {
                    d.error(line, where + " names config " + name + ", which no [config " + name + "]"
                            + " declares: " + declared("configs", c.configs.keySet())
                            + "; add the [config] section or fix the name");
                    continue;
                }
                users.computeIfAbsent(name, n -> new ArrayList<>()).add(where);
                known.add(lc.value());
            }
            checkPort(where, line, known);
        }
    }

    private void checkPort(SlotPort where, int line, List<PortConfig> configs) {
        PortConfig untagged = null;
        Map<Integer, PortConfig> byVlan = new LinkedHashMap<>();
        Map<String, PortConfig> byBond = new LinkedHashMap<>();
        for (PortConfig pc : configs) {
            if (pc.vlan() == 0) {
                if (untagged != null) {
                    d.error(line, where + " gets two untagged configs, " + untagged.name() + " and " + pc.name()
                            + ": a port is either addressed or enslaved once; put one of them on a VLAN"
                            + " (vlan = N) or on another port");
                    continue;
                }
                untagged = pc;
            } else {
                PortConfig other = byVlan.putIfAbsent(pc.vlan(), pc);
                if (other != null) {
                    d.error(line, where + " gets VLAN " + pc.vlan() + " twice, from " + other.name() + " and "
                            + pc.name() + ": one VLAN sub-interface per VLAN id; drop one");
                    continue;
                }
            }
            if (pc.bond() != null) {
                PortConfig other = byBond.putIfAbsent(pc.bond(), pc);
                if (other != null) {
                    d.error(line, where + " would be enslaved into " + pc.bond() + " twice (" + other.name()
                            + " and " + pc.name() + "): a bond survives a port failure only with its"
                            + " slaves on different ports; use another port for one of them");
                    continue;
                }
                slaves.computeIfAbsent(pc.bond(), b -> new ArrayList<>()).add(where);
            }
        }
        if (untagged != null && untagged.bond() != null) {
            for (PortConfig pc : configs) {
                if (pc.vlan() == 0) continue;
                d.error(line, where + " is enslaved untagged into " + untagged.bond() + " (" + untagged.name()
                        + ") and also carries VLAN " + pc.vlan() + " (" + pc.name() + "): a bond slave hands"
                        + " every frame to its bond, so the VLAN on the port would never receive; enslave"
                        + " the port only through VLANs, or put the VLAN on the bond's side");
            }
        }
    }

    /** One address on two ports is an address conflict on the wire; a plain config is per port. */
    private void checkPlainConfigsUsedOnce() {
        for (Map.Entry<String, List<SlotPort>> e : users.entrySet()) {
            PortConfig pc = c.configs.get(e.getKey()).value();
            if (pc.address() == null || e.getValue().size() < 2) continue;
            List<SlotPort> ports = e.getValue();
            d.error(lineOfPort(ports.get(1)), "config " + pc.name() + " (address " + pc.address() + ") is used by "
                    + ports.get(0) + " and " + ports.get(1) + ": one address cannot be on two ports; give"
                    + " each port its own config, or bond the ports and put the address on the bond");
        }
    }

    private void checkBondsAgainstSlaves() {
        for (Located<BondConfig> lb : c.bonds.values()) {
            BondConfig bond = lb.value();
            List<SlotPort> ports = slaves.getOrDefault(bond.name(), List.of());
            if (bond.primary() != null && !ports.contains(bond.primary())) {
                d.error(lb.lineOf("primary"), "primary = " + bond.primary() + ", but no [slot "
                        + bond.primary().slot() + "] maps port " + bond.primary().port() + " into "
                        + bond.name() + (ports.isEmpty() ? " (no port is enslaved into it)" : " (its ports: "
                        + describe(ports) + ")") + "; map that port to a config with bond = " + bond.name()
                        + ", or name a port that is");
            }
            int minLinks = bond.options().minLinks();
            if (minLinks > ports.size()) {
                d.error(lb.lineOf("min_links"), "min_links = " + minLinks + " but only " + ports.size()
                        + " port(s) are enslaved into " + bond.name() + ": the bond would never carry"
                        + " traffic; lower min_links or enslave more ports");
            }
            if (ports.isEmpty()) {
                d.warning(lb.line(), bond.name() + " has no slaves: no [slot] maps a port to a config"
                        + " with bond = " + bond.name() + "; had creates it, but it carries nothing");
            } else if (ports.stream().map(SlotPort::slot).distinct().count() == 1) {
                d.warning(lb.line(), "all of " + bond.name() + "'s ports are on the card in slot "
                        + ports.get(0).slot() + ": pulling that card takes " + bond.name()
                        + " down; enslave a port of another card too");
            }
        }
    }

    /** Same address twice is an error; overlapping subnets on two interfaces a warning. */
    private void checkAddresses() {
        record Use(IfAddress address, String owner, int line) {
        }
        List<Use> uses = new ArrayList<>();
        for (Located<BondConfig> lb : c.bonds.values()) {
            for (IfAddress a : lb.value().addresses()) uses.add(new Use(a, "bond " + lb.value().name(), lb.lineOf("address")));
        }
        for (Located<PortConfig> lc : c.configs.values()) {
            IfAddress a = lc.value().address();
            if (a != null) uses.add(new Use(a, "config " + lc.value().name(), lc.lineOf("address")));
        }
        for (int i = 0; i < uses.size(); i++) {
            for (int j = 0; j < i; j++) {
                Use a = uses.get(j);
                Use b = uses.get(i);
                int x = IfAddress.toInt(a.address().address());
                int y = IfAddress.toInt(b.address().address());
                if (x == y) {
                    d.error(b.line(), "address " + Ipv4.format(y) + " of " + b.owner() + " is already used by "
                            + a.owner() + " (line " + a.line() + "): every interface needs its own address");
                } else if (!a.owner().equals(b.owner()) && overlap(a.address(), b.address())) {
                    d.warning(b.line(), "address " + b.address() + " of " + b.owner() + " is on the same subnet as "
                            + a.address() + " of " + a.owner() + " (line " + a.line() + "): the kernel routes"
                            + " that subnet through one of them only");
                }
            }
        }
    }

    /**
     * A path target that is an address had puts on another interface of this chassis: the chassis
     * would answer its own probes (the kernel answers ARP for any of its addresses on any port),
     * and the path would look alive whatever the switches do. The bond's own addresses are
     * refused with the bond's section.
     */
    private void checkPathTargets() {
        record Owner(String name, int line) {
        }
        Map<Integer, Owner> owners = new LinkedHashMap<>();
        for (Located<BondConfig> lb : c.bonds.values()) {
            for (IfAddress a : lb.value().addresses()) {
                owners.putIfAbsent(IfAddress.toInt(a.address()), new Owner("bond " + lb.value().name(), lb.lineOf("address")));
            }
        }
        for (Located<PortConfig> lc : c.configs.values()) {
            IfAddress a = lc.value().address();
            if (a != null) owners.putIfAbsent(IfAddress.toInt(a.address()), new Owner("config " + lc.value().name(), lc.lineOf("address")));
        }
        for (Located<BondConfig> lb : c.bonds.values()) {
            BondConfig bond = lb.value();
            if (bond.paths() == null) continue;
            for (java.net.InetAddress t : bond.paths().targets()) {
                if (!(t instanceof java.net.Inet4Address v4)) continue;
                Owner o = owners.get(IfAddress.toInt(v4));
                if (o == null || o.name().equals("bond " + bond.name())) continue;
                d.error(lb.lineOf("path_targets"), "path_targets " + v4.getHostAddress() + " is the address of "
                        + o.name() + " (line " + o.line() + "), which had puts on this chassis: the chassis would"
                        + " answer its own probes; write the address of a host on " + bond.name() + "'s link,"
                        + " e.g. the gateway");
            }
        }
    }

    private static boolean overlap(IfAddress a, IfAddress b) {
        int mask = IfAddress.mask(Math.min(a.prefix(), b.prefix()));
        return (IfAddress.toInt(a.address()) & mask) == (IfAddress.toInt(b.address()) & mask);
    }

    private void checkUnused() {
        for (Located<PortConfig> lc : c.configs.values()) {
            if (!users.containsKey(lc.value().name())) {
                d.warning(lc.line(), "config " + lc.value().name() + " is not used by any [slot]: map a"
                        + " port to it (e.g. 0 = " + lc.value().name() + ") or remove it");
            }
        }
    }

    private int lineOfPort(SlotPort p) {
        return c.slots.get(p.slot()).lineOf(String.valueOf(p.port()));
    }

    private static String describe(List<SlotPort> ports) {
        if (ports.isEmpty()) return "none";
        List<String> s = new ArrayList<>();
        for (SlotPort p : ports) s.add(p.toString());
        return String.join(", ", s);
    }

    private static String declared(String what, Set<String> names) {
        return names.isEmpty() ? "there are no " + what : "declared " + what + ": " + String.join(", ", new TreeSet<>(names));
    }
}
