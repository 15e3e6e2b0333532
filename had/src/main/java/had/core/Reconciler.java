package had.core;

import had.network.BondMode;
import had.network.BondOption;
import had.network.BondOptions;
import had.network.IfAddress;
import had.network.NetworkState;
import had.network.PrimaryReselect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns the difference between the desired state and what the kernel has into ordered actions.
 * Pure: it reads nothing and changes nothing. It only plans what it can see from one snapshot,
 * so the caller applies the plan, reads again and plans again until nothing is left (a mode
 * change, for example, releases the slaves in one round and enslaves them in the next).
 *
 * <p>What already matches is never touched: a bond with the right options, a slave in the right
 * bond, an address already present, a link already up. That is what lets had restart under
 * traffic without bouncing anything. Only interfaces had manages are changed: the bonds of the
 * configuration, and the ports of cards it knows ({@code known}) with their VLANs.
 */
final class Reconciler {
    private Reconciler() {}

    static List<Action> plan(DesiredState desired, DesiredState previous, NetworkState actual, Set<String> known) {
        List<Action> out = new ArrayList<>();
        // A handover begins before anything that moves the active slave (it ends last, below).
        for (DesiredState.Bond b : desired.bonds().values()) {
            NetworkState.Bond ab = actual.bond(b.name());
            if (ab != null && b.handover() && !ab.allSlavesActive()) out.add(new Action.SetAllSlavesActive(b.name(), true, "handover"));
        }
        deleteBondsNoLongerConfigured(desired, previous, actual, out);
        Set<String> releasedForModeChange = new HashSet<>();
        // Option changes wait for the releases: since Linux 6.0 a bond whose primary is cleared
        // takes its first working slave, which would hand the traffic back to a port on its way out.
        List<Action> options = new ArrayList<>();
        for (DesiredState.Bond b : desired.bonds().values()) {
            NetworkState.Bond a = actual.bond(b.name());
            if (a == null) {
                out.add(new Action.CreateBond(b.name(), b.options()));
            } else if (!BondOption.allSame(a.options(), shown(b.options(), a))) {
                if (a.options().mode() != b.options().mode()) {
                    // The driver changes mode only on a bond without slaves.
                    for (String s : a.slaves()) {
                        out.add(new Action.Release(b.name(), s));
                        releasedForModeChange.add(s);
                    }
                }
                options.add(new Action.SetBondOptions(b.name(), b.options(), BondOption.changes(a.options(), b.options())));
            }
        }
        releaseMisplacedSlaves(desired, previous, actual, known, releasedForModeChange, out);
        for (DesiredState.Bond b : desired.bonds().values()) {
            NetworkState.Bond ab = actual.bond(b.name());
            if (ab != null) announceAroundDeadPathRelease(b, ab, out);
        }
        deleteStaleVlans(desired, previous, actual, out); // a deleted VLAN leaves its bond too
        out.addAll(options);
        for (DesiredState.Link p : previous.links().values()) {
            // A port leaving service keeps only the addresses had did not give it.
            if (p.isVlan() || desired.links().containsKey(p.name())) continue;
            addresses(p.name(), List.of(), p.addresses(), actual.link(p.name()), out);
        }
        for (DesiredState.Bond b : desired.bonds().values()) {
            NetworkState.Link a = actual.link(b.name());
            if (b.mtu() > 0 && (a == null || a.mtu() != b.mtu())) out.add(new Action.SetMtu(b.name(), b.mtu()));
        }
        for (DesiredState.Link l : desired.links().values()) {
            if (l.isVlan()) continue;
            configureLink(l, previous.links().get(l.name()), actual, releasedForModeChange, out);
        }
        for (DesiredState.Link l : desired.links().values()) {
            if (!l.isVlan()) continue;
            if (actual.link(l.name()) == null && actual.link(l.vlanParent()) != null) {
                out.add(new Action.CreateVlan(l.vlanParent(), l.vlanId(), l.name()));
            }
            configureLink(l, previous.links().get(l.name()), actual, releasedForModeChange, out);
        }
        for (DesiredState.Bond b : desired.bonds().values()) {
            DesiredState.Bond prev = previous.bonds().get(b.name());
            addresses(b.name(), b.addresses(), prev == null ? List.of() : prev.addresses(), actual.link(b.name()), out);
            NetworkState.Link a = actual.link(b.name());
            if (a == null || !a.up()) out.add(new Action.SetUp(b.name(), true));
            NetworkState.Bond ab0 = actual.bond(b.name());
            if (ab0 != null) {
                List<Integer> releases = releasesOf(out, b.name());
                Set<String> leaving = released(out, releases);
                List<Action> move = new ArrayList<>();
                awayFromDeadPath(b, ab0, leaving, move);
                awayFromAilingCard(b, ab0, leaving, move);
                // An active slave leaving the bond (balance-tlb/alb: its dead path or ailing card)
                // hands the traffic over first: the driver would pick another only in the middle
                // of the release, which takes tens of ms on a slow machine.
                out.addAll(leaving.contains(ab0.activeSlave()) ? releases.get(0) : out.size(), move);
                announceInAlb(b, ab0, out);
            }
            // Last, so that the leaving ports are released before their frames are dropped again;
            // also what ends a handover that a restart interrupted.
            NetworkState.Bond ab = actual.bond(b.name());
            if (ab != null && ab.allSlavesActive() && !b.handover()) out.add(new Action.SetAllSlavesActive(b.name(), false, "handover over"));
        }
        return out;
    }

    /**
     * The bonds whose active slave {@code plan} moves to another slave: a write of the active
     * slave; a write of a primary that is up and not already active; the enslaving of the primary
     * {@code desired} names while it has its carrier. The driver takes a newly written or newly
     * enslaved primary at once, whatever primary_reselect says (bond_option_primary_set and
     * bond_enslave set force_primary), as soon as its link is up. Moves off a port whose link
     * or path is dead are failovers, not counted.
     */
    static Set<String> activeSlaveMoves(List<Action> plan, NetworkState actual, DesiredState desired) {
        Set<String> moved = new LinkedHashSet<>();
        for (Action x : plan) {
            String bond, to;
            if (x instanceof Action.SetActiveSlave a) {
                bond = a.bond();
                to = a.ifname();
            } else if (x instanceof Action.SetBondOptions o) {
                bond = o.bond();
                to = o.options().primary();
            } else if (x instanceof Action.Enslave e) {
                bond = e.bond();
                to = e.ifname();
            } else {
                continue;
            }
            DesiredState.Bond d = desired.bonds().get(bond);
            NetworkState.Bond ab = actual.bond(bond);
            if (d == null || ab == null || to == null || !ab.options().mode().hasActiveSlave() || ab.activeSlave() == null) continue;
            // A port being enslaved is no slave yet: it moves the traffic if it is the primary and has its carrier.
            NetworkState.Link l = actual.link(to);
            boolean up = x instanceof Action.Enslave ? to.equals(d.options().primary()) && l != null && l.carrier() : takes(ab, to);
            // A move off a port that no longer works is a failover: nothing worth delivering comes
            // in there, and the traffic must not wait for a handover to be set up.
            boolean offWorking = takes(ab, ab.activeSlave()) && !d.deadPaths().contains(ab.activeSlave());
            if (up && offWorking && !to.equals(ab.activeSlave())) moved.add(bond);
        }
        return moved;
    }

    /**
     * The bonds whose driver will move the active slave to the primary had gave it any moment now:
     * the primary is enslaved and has its carrier, but the driver has not taken it yet (its MII
     * status not up: updelay, or the next miimon round) and primary_reselect says it will. Only
     * under miimon, where that wait is bounded: the ARP monitor may keep a port with carrier down
     * for as long as its path is dead, and the handover would stay on all that time.
     */
    static Set<String> pendingFailbacks(DesiredState desired, NetworkState actual) {
        Set<String> out = new HashSet<>();
        for (DesiredState.Bond b : desired.bonds().values()) {
            String p = b.options().primary();
            NetworkState.Bond ab = actual.bond(b.name());
            NetworkState.Link pl = p == null ? null : actual.link(p);
            if (ab == null || pl == null || !ab.options().mode().hasActiveSlave() || ab.activeSlave() == null
                    || ab.options().miimon() == 0) continue;
            if (b.options().primaryReselect() != PrimaryReselect.ALWAYS || p.equals(ab.activeSlave())) continue;
            if (ab.slaves().contains(p) && pl.carrier() && !Boolean.TRUE.equals(ab.slaveUp().get(p))) out.add(b.name());
        }
        return out;
    }

    /** Where in {@code plan} the slaves of {@code bond} are released, in order. */
    private static List<Integer> releasesOf(List<Action> plan, String bond) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) if (plan.get(i) instanceof Action.Release r && r.bond().equals(bond)) at.add(i);
        return at;
    }

    private static Set<String> released(List<Action> plan, List<Integer> releases) {
        Set<String> names = new LinkedHashSet<>();
        for (int i : releases) names.add(((Action.Release) plan.get(i)).ifname());
        return names;
    }

    /**
     * In the modes with an active slave: when the active slave's path is dead and another slave's
     * path works, that slave takes over (the primary had chose if it can, else the first in
     * enslavement order). The kernel cannot see a dead path behind a live link; nothing else would.
     */
    private static void awayFromDeadPath(DesiredState.Bond b, NetworkState.Bond a, Set<String> leaving, List<Action> out) {
        if (!a.options().mode().hasActiveSlave() || a.activeSlave() == null || !b.deadPaths().contains(a.activeSlave())) return;
        moveActive(b, a, s -> b.livePaths().contains(s) && !leaving.contains(s), "path of " + a.activeSlave() + " lost", out);
    }

    /**
     * The bond's active slave moves to the primary if it {@code fits} and the driver takes it,
     * else to the first slave in enslavement order that does (none: it stays).
     */
    private static void moveActive(DesiredState.Bond b, NetworkState.Bond a, Predicate<String> fits, String why, List<Action> out) {
        String primary = b.options().primary();
        String next = primary != null && fits.test(primary) && takes(a, primary) ? primary : null;
        for (String s : a.slaves()) if (next == null && fits.test(s) && takes(a, s)) next = s;
        if (next != null) out.add(new Action.SetActiveSlave(b.name(), next, why));
    }

    /**
     * In the modes without an active slave the driver tells nobody when a slave leaves: a learning
     * switch keeps sending the bond's frames to the port whose path died until the bond happens to
     * send something out of another. So when this plan releases a slave for its dead path, each
     * slave that stays and is up announces the bond's addresses (the switch learns one of them;
     * which one carries what is the bond's hash, not had's to choose), twice: before the releases,
     * since the driver's release of a slave takes tens of ms on a slow machine and the way in need
     * not wait for it; and right after them, since until then the bond still sent some frames out
     * of the dead port, from which a switch on its side may have learned the MAC back (anything
     * between, such as bringing the released port up again, a device open, would delay that).
     */
    private static void announceAroundDeadPathRelease(DesiredState.Bond b, NetworkState.Bond a, List<Action> out) {
        if (b.options().mode().hasActiveSlave() || b.outOfBond().isEmpty()) return;
        List<Integer> releases = releasesOf(out, b.name());
        if (releases.isEmpty()) return;
        Set<String> leaving = released(out, releases);
        // Plain loops here: the first dead path after start-up is the one that waits for a
        // lambda's or a stream's first linking (tens of ms on a slow controller).
        List<String> dead = new ArrayList<>();
        for (String s : leaving) if (b.outOfBond().contains(s)) dead.add(s);
        if (dead.isEmpty()) return;
        String lost = "path of " + String.join(", ", dead) + " lost";
        List<Action> before = new ArrayList<>();
        List<Action> after = new ArrayList<>();
        for (String s : a.slaves()) {
            if (leaving.contains(s) || !takes(a, s)) continue;
            before.add(new Action.Announce(b.name(), s, lost + ", before its release", false));
            after.add(new Action.Announce(b.name(), s, lost + ", released", false));
        }
        out.addAll(releases.get(releases.size() - 1) + 1, after);
        out.addAll(releases.get(0), before);
    }

    /**
     * balance-alb gives each peer the MAC of one slave (receive load balancing), and its driver
     * tells the peers of a slave that left only RLB_UPDATE_DELAY (2 s) later; a move of the active
     * slave swaps the MACs of the two slaves, so peers given the new active's MAC lose their
     * traffic as well (the lab saw 2.3 s of it). So when this plan moves the active slave off a
     * dead path, or releases a slave for its dead path, the slave that holds the bond's MAC once
     * the plan is done announces the bond's addresses with it: right after the move (else before
     * the release) and again after the release, as {@link #announceAroundDeadPathRelease} does in
     * the modes without an active slave. The peers then send to the bond's MAC, which the switch
     * learns on that port (the driver's learning frames). Out of another slave the bond's MAC
     * would teach the switch the wrong port.
     */
    private static void announceInAlb(DesiredState.Bond b, NetworkState.Bond a, List<Action> out) {
        if (a.options().mode() != BondMode.BALANCE_ALB) return;
        String active = a.activeSlave();
        int moveAt = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof Action.SetActiveSlave m && m.bond().equals(b.name())) {
                active = m.ifname();
                moveAt = i;
            }
        }
        List<Integer> releases = releasesOf(out, b.name());
        Set<String> leaving = released(out, releases);
        List<String> dead = new ArrayList<>();
        for (String s : leaving) if (b.outOfBond().contains(s)) dead.add(s);
        boolean offDeadPath = moveAt >= 0 && b.deadPaths().contains(a.activeSlave());
        if (offDeadPath && !dead.contains(a.activeSlave())) dead.add(0, a.activeSlave());
        if (active == null || leaving.contains(active) || !takes(a, active) || dead.isEmpty()) return;
        String lost = "path of " + String.join(", ", dead) + " lost";
        int first = moveAt >= 0 ? moveAt + 1 : releases.isEmpty() ? out.size() : releases.get(0);
        int lastRelease = releases.isEmpty() ? -1 : releases.get(releases.size() - 1);
        if (lastRelease >= first) out.add(lastRelease + 1, new Action.Announce(b.name(), active, lost + ", released", false));
        out.add(first, new Action.Announce(b.name(), active, lost + (moveAt >= 0 ? ", " + active + " active" : ", before its release"),
                moveAt >= 0));
    }

    /**
     * In the modes with an active slave: when the active slave is on a card ailing from PCIe
     * errors and a port of another card works, that port takes over (the primary had chose if it
     * can). The move is off a working port, so it is handed over ({@link #activeSlaveMoves}).
     */
    private static void awayFromAilingCard(DesiredState.Bond b, NetworkState.Bond a, Set<String> leaving, List<Action> out) {
        if (!a.options().mode().hasActiveSlave() || a.activeSlave() == null || !b.ailing().contains(a.activeSlave())) return;
        if (b.deadPaths().contains(a.activeSlave())) return; // its dead path moves it (awayFromDeadPath)
        moveActive(b, a, s -> !b.ailing().contains(s) && !b.deadPaths().contains(s) && !leaving.contains(s),
                "card of " + a.activeSlave() + " ailing (PCIe errors)", out);
    }

    private static boolean takes(NetworkState.Bond a, String slave) {
        return a != null && slave != null && a.slaves().contains(slave) && Boolean.TRUE.equals(a.slaveUp().get(slave));
    }

    private static void deleteBondsNoLongerConfigured(DesiredState desired, DesiredState previous,
                                                      NetworkState actual, List<Action> out) {
        for (String name : previous.bonds().keySet()) {
            if (desired.bonds().containsKey(name)) continue;
            NetworkState.Bond a = actual.bond(name);
            if (a == null) continue;
            for (String s : a.slaves()) out.add(new Action.Release(name, s));
            out.add(new Action.DeleteBond(name));
        }
    }

    /** Releases managed interfaces from bonds they should no longer be in, before anything joins elsewhere. */
    private static void releaseMisplacedSlaves(DesiredState desired, DesiredState previous, NetworkState actual,
                                               Set<String> known, Set<String> alreadyReleased, List<Action> out) {
        List<NetworkState.Link> links = new ArrayList<>(actual.links().values());
        links.sort((x, y) -> x.name().compareTo(y.name()));
        for (NetworkState.Link a : links) {
            if (a.master() == null || alreadyReleased.contains(a.name())) continue;
            boolean ours = desired.bonds().containsKey(a.master()) || previous.bonds().containsKey(a.master());
            boolean managed = known.contains(a.name()) || (a.vlanParent() != null && known.contains(a.vlanParent()));
            if (!ours || !managed) continue;
            DesiredState.Link d = desired.links().get(a.name());
            if (d == null || !a.master().equals(d.master())) out.add(new Action.Release(a.master(), a.name()));
        }
    }

    /** VLANs had made on ports that no longer need them (card left service, config changed). */
    private static void deleteStaleVlans(DesiredState desired, DesiredState previous, NetworkState actual,
                                         List<Action> out) {
        for (DesiredState.Link p : previous.links().values()) {
            if (!p.isVlan() || desired.links().containsKey(p.name())) continue;
            if (actual.link(p.name()) != null) out.add(new Action.DeleteLink(p.name()));
        }
    }

    private static void configureLink(DesiredState.Link l, DesiredState.Link prev, NetworkState actual,
                                      Set<String> releasedNow, List<Action> out) {
        NetworkState.Link a = actual.link(l.name());
        if (a == null && !l.isVlan()) return; // the port has gone; the next event says so
        boolean fresh = a == null || releasedNow.contains(l.name());
        String master = fresh ? null : a.master();
        if (l.master() != null) {
            // A slave takes the bond's MTU; setting its own would fight the bond. Enslaving opens
            // the port (the driver does it), so only a slave found down needs bringing up.
            if (!Objects.equals(master, l.master())) {
                out.add(new Action.Enslave(l.master(), l.name()));
            } else if (!a.up()) {
                out.add(new Action.SetUp(l.name(), true));
            }
            return;
        }
        if (l.mtu() > 0 && (a == null || a.mtu() != l.mtu())) out.add(new Action.SetMtu(l.name(), l.mtu()));
        addresses(l.name(), l.addresses(), prev == null ? List.of() : prev.addresses(), a, out);
        if (a == null || !a.up()) out.add(new Action.SetUp(l.name(), true));
    }

    /** Adds what is missing; removes only addresses had itself configured before and no longer wants. */
    private static void addresses(String ifname, List<IfAddress> want, List<IfAddress> had, NetworkState.Link a,
                                  List<Action> out) {
        List<IfAddress> present = a == null ? List.of() : a.addresses();
        for (IfAddress old : had) {
            if (!containsAddress(want, old) && containsAddress(present, old)) out.add(new Action.RemoveAddress(ifname, old));
        }
        for (IfAddress w : want) {
            if (!containsAddress(present, w)) out.add(new Action.AddAddress(ifname, w));
        }
    }

    static boolean containsAddress(List<IfAddress> list, IfAddress x) {
        for (IfAddress a : list) if (a.address().equals(x.address()) && a.prefix() == x.prefix()) return true;
        return false;
    }

    /**
     * The options as the driver would show them once they are written: it shows a primary only
     * while that port is its slave, and keeps the name of one that is not (yet) for when it is
     * enslaved. Without this, a primary out of its bond (a port released for its dead path, or
     * not enslaved yet) would be written again at every reconciliation.
     */
    static BondOptions shown(BondOptions want, NetworkState.Bond actual) {
        String p = want.primary();
        if (p == null || actual.slaves().contains(p)) return want;
        return want.withPrimary(actual.options().primary());
    }
}
