package had.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import had.audit.AuditEvent;
import had.backplane.BackplaneEvent;
import had.backplane.PathState;
import had.backplane.PathSupervision;
import had.network.BondMode;
import had.network.BondOptions;
import had.network.NetworkException;
import had.network.NetworkState;
import had.network.PrimaryReselect;
import had.network.sim.ChangeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Path supervision in the core: which ports are probed, what a dead path behind a live link
 * makes had do in each kind of bonding mode, and how it counts in the service records.
 */
class PathSupervisionTest {
    private CoreFixture f;

    private void chassis(BondOptions bond0) {
        f = CoreFixture.threeCards(Configs.supervised(bond0));
    }

    private NetworkState.Bond bond0() {
        return f.net.read().bond("bond0");
    }

    private List<String> bond0Ports() {
        return List.of(f.port(2, 0), f.port(2, 1), f.port(12, 0), f.port(12, 1));
    }

    private void allPathsUp() {
        for (String p : bond0Ports()) f.path(p, true);
    }

    private AuditEvent lastService() {
        List<AuditEvent> s = f.audits("service.state").stream()
                .filter(e -> "bond0".equals(e.fields().get("service"))).toList();
        return s.get(s.size() - 1);
    }

    @Test
    void everyPortOfASupervisedBondIsProbedAndOnlyThose() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        assertEquals(Set.copyOf(bond0Ports()), f.probes.watched.keySet());
        assertEquals("10.0.1.100", f.probes.watched.get(f.port(2, 0)).targetList());
        assertTrue(f.probes.bondOf.values().stream().allMatch("bond0"::equals));
        assertFalse(f.probes.watched.containsKey(f.port(16, 0)), "slot 16's plain port is not in a supervised bond");
        assertEquals(4, f.audits("path.watch").size());
        // Settling again asks for nothing new.
        int calls = f.probes.calls.size();
        f.advance(200);
        assertEquals(calls, f.probes.calls.size());
    }

    @Test
    void aCardLeavingServiceIsNoLongerProbed() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        String p20 = f.port(2, 0), p21 = f.port(2, 1);
        assertEquals(Outcome.accepted("accepted"), f.chassis.requestExtraction(2, false, "test"));
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
        assertFalse(f.probes.watched.containsKey(p20));
        assertFalse(f.probes.watched.containsKey(p21));
        assertEquals(Set.of(f.port(12, 0), f.port(12, 1)), f.probes.watched.keySet());
    }

    @Test
    void aDeadPathOnTheActiveSlaveMovesTrafficToAWorkingPathAndIsCountedAsAnOutage() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        String primary = f.port(2, 0);
        assertEquals(primary, bond0().activeSlave());
        long before = f.clock.nanos();
        f.path(primary, false);
        NetworkState.Bond b = bond0();
        assertNotEquals(primary, b.activeSlave(), "traffic left the dead path");
        assertTrue(b.slaves().contains(primary), "a backup with a dead path stays enslaved in active-backup");
        assertTrue(f.net.read().link(primary).carrier(), "the link never went down");
        assertEquals(b.activeSlave(), b.options().primary(),
                "primary_reselect always: the driver must not go back to the dead primary at its next reselection");
        // The outage: down from halfway between the last answered round and the first unanswered
        // one (20 ms rounds here), with the cause an operator can act on, then up again once the
        // other port carries. The path record keeps the first unanswered round.
        List<AuditEvent> after = f.audit.subList(f.audit.indexOf(f.audits("path.state").get(4)), f.audit.size());
        AuditEvent down = after.stream().filter(e -> e.type().equals("service.state") && "bond0".equals(e.fields().get("service"))
                && Boolean.FALSE.equals(e.fields().get("up"))).findFirst().orElseThrow();
        assertEquals("path to 10.0.1.100 lost on " + primary + " (slot 2 port 0), carrier up", down.fields().get("cause"));
        assertEquals(before - 40_000_000L - 10_000_000L, down.fields().get("since"));
        assertEquals(Boolean.TRUE, lastService().fields().get("up"));
        AuditEvent ps = f.audits("path.state").get(f.audits("path.state").size() - 1);
        assertEquals(primary, ps.fields().get("ifname"));
        assertEquals(false, ps.fields().get("up"));
        assertEquals(2, ps.fields().get("slot"));
        assertEquals(0, ps.fields().get("port"));
        assertEquals("bond0", ps.fields().get("bond"));
        assertEquals(true, ps.fields().get("carrier"), "the port's carrier when its path was found dead");
        AuditEvent moved = f.audits("bond.active").get(f.audits("bond.active").size() - 1);
        assertEquals("path of " + primary + " lost", moved.fields().get("reason"));
        // A verdict that comes after the port's cable went (the kernel reports carrier late): the
        // record says the carrier the port has now.
        String other = f.port(12, 1);
        f.net.setPhysicalLink(other, false);
        f.path(other, false);
        AuditEvent cut = f.audits("path.state").get(f.audits("path.state").size() - 1);
        assertEquals(other, cut.fields().get("ifname"));
        assertEquals(false, cut.fields().get("carrier"));
    }

    @Test
    void theServicesAreObservedOnTheReconciliationsLastReadNotOnAnotherOne() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        String primary = f.port(2, 0);
        org.mockito.Mockito.clearInvocations(f.network);
        f.path(primary, false);
        // One read to plan the move, one that finds nothing left to do; the services are observed
        // on that one (a read of the whole network costs a failover under load 5 to 16 ms).
        verify(f.network, times(2)).read();
        assertNotEquals(primary, bond0().activeSlave());
        assertEquals(Boolean.TRUE, lastService().fields().get("up"), "observed after the move: bond0 up again");
        // A settle with nothing to reconcile reads the network once, to observe.
        org.mockito.Mockito.clearInvocations(f.network);
        f.chassis.settle();
        verify(f.network, times(1)).read();
    }

    /** Each active_slave write takes {@code ms} in the driver; the time the last one began is put in the array returned. */
    private long[] activeSlaveWritesTaking(long ms) {
        long[] began = {0};
        doAnswer(call -> {
            began[0] = f.clock.nanos();
            f.net.setActiveSlave(call.getArgument(0), call.getArgument(1));
            f.clock.advanceMillis(ms);
            return null;
        }).when(f.network).setActiveSlave(anyString(), anyString());
        return began;
    }

    @Test
    void theOutageEndsWhenTheRepairBeganNotWhenASlowWriteReturned() {
        // The driver moves the traffic inside the active_slave write; in balance-alb under load
        // that write returns 100 ms and more later (MAC swaps, learning frames, notifiers).
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        String primary = f.port(2, 0);
        long[] began = activeSlaveWritesTaking(150);
        f.path(primary, false);
        assertNotEquals(0, began[0], "had moved the traffic");
        AuditEvent up = lastService();
        assertEquals(Boolean.TRUE, up.fields().get("up"));
        assertEquals(began[0], up.fields().get("since"));
    }

    @Test
    void aRefusedActiveSlaveChangeIsARaceNotABrokenCard() {
        // The driver refuses a slave its link monitor saw go down after had's read: the card stays
        // in service, the refusal is recorded, and the primary had named still moves the traffic.
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        String primary = f.port(2, 0);
        doThrow(new NetworkException("bond0: cannot make eth9 active: Could not set as active slave"))
                .when(f.network).setActiveSlave(anyString(), anyString());
        f.path(primary, false);
        assertEquals(SlotState.ACTIVE, f.chassis.slotView(2).state());
        assertEquals(SlotState.ACTIVE, f.chassis.slotView(12).state());
        assertFalse(f.audits("net.error").isEmpty());
        assertNotEquals(primary, bond0().activeSlave(), "traffic left the dead path all the same");
    }

    @Test
    void theConfiguredPrimaryTakesOverAgainWhenItsPathWorksWithPrimaryReselectAlways() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        String primary = f.port(2, 0);
        f.path(primary, false);
        assertNotEquals(primary, bond0().activeSlave());
        f.path(primary, true);
        f.advance(200);
        assertEquals(primary, bond0().activeSlave());
        assertEquals(primary, bond0().options().primary());
    }

    @Test
    void withPrimaryReselectFailureTheWorkingSlaveKeepsTheTraffic() {
        BondOptions o = BondOptions.defaults(BondMode.ACTIVE_BACKUP);
        o = o.withPrimary(null).with(had.network.BondOption.PRIMARY_RESELECT, PrimaryReselect.FAILURE);
        chassis(o);
        allPathsUp();
        String primary = f.port(2, 0);
        f.path(primary, false);
        String taken = bond0().activeSlave();
        assertNotEquals(primary, taken);
        f.path(primary, true);
        f.advance(200);
        assertEquals(taken, bond0().activeSlave(), "primary_reselect failure: no move back while the active works");
        assertEquals(primary, bond0().options().primary(), "primary is never rewritten: writing it forces a switch");
    }

    @Test
    void aBackupWithAnUndecidedPathIsNotMadeActive() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        String primary = f.port(2, 0);
        f.path(primary, false); // nobody else answered yet
        assertEquals(primary, bond0().activeSlave(), "no port is known to work: leave the bond as it is");
    }

    @Test
    void inModesWithoutAnActiveSlaveADeadPathIsTakenOutOfTheBondUntilItAnswers() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        String p = f.port(12, 1);
        f.path(p, false);
        assertFalse(bond0().slaves().contains(p), "released: the bond no longer sends on it");
        NetworkState.Link l = f.net.read().link(p);
        assertTrue(l.up(), "still up, so its probes still go out");
        assertEquals(null, l.master());
        assertTrue(f.probes.watched.containsKey(p), "still probed");
        assertEquals(3, bond0().slaves().size());
        f.path(p, true);
        assertTrue(bond0().slaves().contains(p), "back in the bond once it answers");
        assertEquals(4, bond0().slaves().size());
    }

    @Test
    void aPortHadReleasesOrEnslavesIsNotJudgedByWhatItsProbesSeeMeanwhile() {
        // Enslaving or releasing a port resets it on many drivers (e1000e: its carrier is gone for
        // seconds, and the kernel says so only later): misses then are had's doing, not the path's.
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        String p = f.port(12, 1);
        List<String> writes = new ArrayList<>();
        doAnswer(call -> {
            writes.add("release " + call.getArgument(1) + (f.probes.held.contains(call.getArgument(1)) ? " held" : ""));
            f.net.release(call.getArgument(0), call.getArgument(1));
            return null;
        }).when(f.network).release(anyString(), anyString());
        doAnswer(call -> {
            writes.add("enslave " + call.getArgument(1) + (f.probes.held.contains(call.getArgument(1)) ? " held" : ""));
            f.net.enslave(call.getArgument(0), call.getArgument(1));
            return null;
        }).when(f.network).enslave(anyString(), anyString());
        f.path(p, false);
        f.path(p, true);
        assertEquals(List.of("release " + p + " held", "enslave " + p + " held"), writes);
        assertEquals(Set.of(), f.probes.held, "each hold ends with its write");
        assertTrue(bond0().slaves().contains(p));
    }

    @Test
    void aProberThatCannotHoldAPortDoesNotKeepHadFromChangingIt() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        String p = f.port(12, 1);
        f.probes.refuseHolds = true;
        f.path(p, false);
        assertFalse(bond0().slaves().contains(p), "released all the same");
        f.path(p, true);
        assertTrue(bond0().slaves().contains(p), "and enslaved again");
    }

    @Test
    void inModesWithoutAnActiveSlaveTheSlavesThatStayAnnounceTheBondBeforeAndAfterADeadPathIsReleased() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        assertEquals(List.of(), f.net.changeLog().announcements("bond0"), "nothing to announce before");
        String p = f.port(12, 1);
        long before = f.clock.nanos();
        f.path(p, false);
        List<String> stay = bond0().slaves().stream().sorted().toList();
        assertEquals(3, stay.size());
        // Out of each slave that stays (the switch learns the bond's MAC on one of them), twice.
        List<String> twice = new ArrayList<>();
        for (String s : stay) twice.addAll(List.of(s, s));
        assertEquals(twice, f.net.changeLog().announcements("bond0").stream()
                .filter(a -> a.nanos() >= before).map(ChangeLog.Announcement::via).sorted().toList());
        List<String> types = f.audit.stream().map(e -> e.type() + " " + e.fields().getOrDefault("action", "")).toList();
        int released = types.indexOf("bond.release ");
        String announce = "net.change announce bond0's addresses out of ";
        // First before the release: the driver's release takes tens of ms on a slow machine, and the
        // way in need not wait for it ...
        List<String> early = stay.stream().map(s -> announce + s + " (path of " + p + " lost, before its release)").toList();
        assertTrue(released >= stay.size(), types.toString());
        assertEquals(early, types.subList(released - stay.size(), released).stream().sorted().toList(), types.toString());
        // ... then right after it, before anything else: bringing the released port up again (a
        // device open) must not delay it.
        List<String> late = stay.stream().map(s -> announce + s + " (path of " + p + " lost, released)").toList();
        assertEquals(late, types.subList(released + 1, released + 1 + stay.size()).stream().sorted().toList(), types.toString());
        f.advance(100);
        assertEquals(6, f.net.changeLog().announcements("bond0").size(), "not again while nothing changes");
        // Back in the bond: nothing to announce, the driver sends on it again by itself.
        f.path(p, true);
        assertTrue(bond0().slaves().contains(p));
        assertEquals(6, f.net.changeLog().announcements("bond0").size());
    }

    @Test
    void inActiveBackupTheDriverAnnouncesTheNewActiveSlaveItself() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        f.path(f.port(2, 0), false);
        assertTrue(!bond0().activeSlave().equals(f.port(2, 0)));
        assertEquals(List.of(), f.net.changeLog().announcements("bond0"));
    }

    @Test
    void whenEveryPathIsDeadTheBondIsLeftAsItIsCountedDownAndSaidSo() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        for (String p : bond0Ports()) f.path(p, false);
        NetworkState.Bond b = bond0();
        // The last path to die found no other working path: nothing more is taken away.
        assertTrue(b.slaves().size() >= 1);
        assertEquals(1, b.slaves().size(), "three released while another path worked; the last one stays");
        assertEquals(1, f.audits("path.all-down").size());
        assertEquals(Boolean.FALSE, lastService().fields().get("up"));
        assertTrue(String.valueOf(lastService().fields().get("cause")).contains("path to 10.0.1.100 lost"),
                String.valueOf(lastService().fields().get("cause")));
        // Every path dead means every port was put back: nothing is known to be better.
        f.advance(100);
        assertEquals(1, f.audits("path.all-down").size(), "said once");
    }

    @Test
    void aVerdictForAPortNoLongerProbedIsIgnored() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        int n = f.audit.size();
        f.send(new BackplaneEvent.PathChanged(16, f.port(16, 0), false, "10.0.1.100", 0, f.clock.nanos(), f.clock.nanos()));
        assertEquals(n, f.audit.size());
    }

    @Test
    void bondsShowEachSlavesPath() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        f.path(f.port(2, 1), false);
        BondView v = f.chassis.bonds().get(0);
        var byName = v.slaves().stream().collect(Collectors.toMap(BondView.SlaveView::ifname, s -> s));
        assertEquals(PathState.DOWN, byName.get(f.port(2, 1)).path());
        assertFalse(byName.get(f.port(2, 1)).working(), "a dead path is not a working slave");
        assertEquals(PathState.UNKNOWN, byName.get(f.port(12, 0)).path());
        assertEquals(150_000, byName.get(f.port(12, 0)).rttNanos());
        assertEquals(3, v.working());
    }

    @Test
    void anExtractionHandsOverToASlaveWhosePathWorks() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        f.path(f.port(12, 0), false);
        assertEquals(Outcome.accepted("accepted"), f.chassis.requestExtraction(2, false, "test"));
        assertEquals(f.port(12, 1), bond0().activeSlave(), "slot 12 port 0 has carrier but a dead path: not chosen");
        f.advance(300);
        assertEquals(SlotState.SAFE_TO_REMOVE, f.state(2));
    }

    @Test
    void anExtractionThatTakesTheLastWorkingPathIsRefusedOneThatLosesNothingIsNot() {
        chassis(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        allPathsUp();
        f.path(f.port(2, 0), false);
        f.path(f.port(2, 1), false);
        f.path(f.port(12, 0), false);
        Outcome outcome = f.chassis.requestExtraction(12, false, "test");
        assertEquals(Outcome.Kind.REFUSED, outcome.kind());
        assertTrue(outcome.text().startsWith("refused: bond0 would lose its last working slave"), outcome.text());
        f.path(f.port(12, 1), false);
        assertEquals(Outcome.accepted("accepted"), f.chassis.requestExtraction(12, false, "test"), "every path is dead already");
    }

    @Test
    void aReloadThatChangesOrEndsSupervisionRestartsOrStopsTheProbesAndPutsReleasedPortsBack() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        String p = f.port(12, 1);
        f.path(p, false);
        assertFalse(bond0().slaves().contains(p));
        // A new interval: every port is probed again with it, and its verdict starts over.
        var c = Configs.supervised(BondOptions.defaults(BondMode.BALANCE_XOR));
        var b = c.bonds().get("bond0");
        var faster = new java.util.LinkedHashMap<>(c.bonds());
        faster.put("bond0", new had.config.BondConfig(b.name(), b.addresses(), b.mtu(), b.options(), b.primary(),
                new had.backplane.PathSupervision(b.paths().targets(), 10, 3, 2), b.line()));
        f.chassis.reload(new had.config.ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), faster, c.configs(), c.slots(), c.drivers()));
        f.advance(20);
        assertEquals(10, f.probes.watched.get(p).intervalMs());
        assertTrue(bond0().slaves().contains(p), "its dead verdict was for the old probes: back in until they say otherwise");
        // No more supervision: no probes, and every port in the bond.
        f.path(p, false);
        assertFalse(bond0().slaves().contains(p));
        f.chassis.reload(Configs.motorola8216(BondOptions.defaults(BondMode.BALANCE_XOR)));
        f.advance(20);
        assertEquals(Set.of(), f.probes.watched.keySet());
        assertEquals(4, bond0().slaves().size());
    }

    @Test
    void aFlappingPathMovesTheTrafficAwayOnceAndBackOnlyAfterItsHold() {
        // The damping alone: the port quarantine (on by default) would take the port out first.
        had.config.ChassisConfig c = Configs.supervised(BondOptions.defaults(BondMode.ACTIVE_BACKUP));
        f = CoreFixture.threeCards(new had.config.ChassisConfig(c.hadConf(), c.driversConf(), c.domains(), c.bonds(),
                c.configs(), c.slots(), c.drivers(), new had.config.HotSwapPolicy(null, null, 0, null, null, null, null)));
        allPathsUp();
        String primary = f.port(2, 0);
        String last = bond0().activeSlave();
        int moves = 0;
        // 100 cycles of 50 ms dead, 50 ms answering: the probes' verdicts follow every cycle.
        for (int i = 0; i < 100; i++) {
            f.path(primary, false);
            f.advance(50);
            if (!bond0().activeSlave().equals(last)) { moves++; last = bond0().activeSlave(); }
            f.path(primary, true);
            f.advance(50);
            if (!bond0().activeSlave().equals(last)) { moves++; last = bond0().activeSlave(); }
        }
        // Away, back once (the first recovery is trusted), away again: then held off while it flaps.
        assertEquals(3, moves, "moves of the active slave during 100 flaps");
        assertNotEquals(primary, bond0().activeSlave());
        assertTrue(f.audits("path.state").stream().anyMatch(e -> e.fields().containsKey("held_ms")));
        // Once it stays up through its hold (doubled with each repeat, at most 60 s), it is trusted again.
        f.advance(61_000);
        assertEquals(primary, bond0().activeSlave());
        assertEquals(1, f.audits("path.trusted").size());
    }

    @Test
    void aHeldPathStaysOutOfABondWithoutAnActiveSlave() {
        chassis(BondOptions.defaults(BondMode.BALANCE_XOR));
        allPathsUp();
        String p = f.port(12, 1);
        f.path(p, false);
        f.path(p, true); // back within the repeat window of its first up: trusted (no hold yet)
        assertTrue(bond0().slaves().contains(p));
        f.path(p, false);
        f.path(p, true); // a repeat: held for 1 s
        assertFalse(bond0().slaves().contains(p), "held off after flapping");
        f.advance(1_100);
        assertTrue(bond0().slaves().contains(p), "trusted again after its hold");
    }

    @Test
    void inBalanceAlbTheOutageEndsWhenThePeersWereToldWhereTheMoveSentTheTraffic() {
        // The move swaps the slaves' MACs; the driver's learning frames teach only the switch the
        // new active slave is on. Peers behind the other switch find the bond once had announced.
        chassis(BondOptions.defaults(BondMode.BALANCE_ALB));
        allPathsUp();
        String primary = f.port(2, 0);
        long[] moved = activeSlaveWritesTaking(30), told = {0};
        doAnswer(call -> {
            f.clock.advanceMillis(15);
            f.net.announce(call.getArgument(0), call.getArgument(1));
            if (told[0] == 0) told[0] = f.clock.nanos();
            return null;
        }).when(f.network).announce(anyString(), anyString());
        f.path(primary, false);
        assertNotEquals(0, moved[0], "had moved the traffic");
        assertNotEquals(0, told[0], "and announced it");
        AuditEvent up = lastService();
        assertEquals(Boolean.TRUE, up.fields().get("up"));
        assertEquals(told[0], up.fields().get("since"), "back when the first announcement after the move was out, 45 ms after the move began");
    }

    @Test
    void inBalanceAlbWhereEverySlaveSendsADeadPathLeavesTheBondAndTheActiveSlaveMoves() {
        chassis(BondOptions.defaults(BondMode.BALANCE_ALB));
        allPathsUp();
        String primary = f.port(2, 0);
        assertEquals(primary, bond0().activeSlave());
        int before = f.audit.size();
        f.path(primary, false);
        NetworkState.Bond b = bond0();
        assertFalse(b.slaves().contains(primary), "released: balance-alb sends on every slave");
        assertNotEquals(primary, b.activeSlave());
        // The traffic moves first: the driver would pick another active slave only in the middle
        // of the release, which takes tens of ms on a slow machine.
        List<String> done = f.audit.subList(before, f.audit.size()).stream()
                .filter(e -> e.type().equals("bond.active") || e.type().equals("bond.release"))
                .map(e -> e.type() + " " + e.fields().get("ifname")).toList();
        assertEquals(List.of("bond.active " + b.activeSlave(), "bond.release " + primary), done);
        // The peers learn the bond's MAC anew, out of the slave that holds it now: right after the
        // move (which swaps the two slaves' MACs) and after the release (the driver tells the peers
        // of the release only 2 s later).
        String next = b.activeSlave();
        String announce = "net.change announce bond0's addresses out of " + next + " (path of " + primary + " lost";
        List<String> steps = f.audit.subList(before, f.audit.size()).stream()
                .filter(e -> List.of("bond.active", "bond.release", "net.change").contains(e.type()))
                .map(e -> e.type() + (e.type().equals("net.change") ? " " + e.fields().get("action") : ""))
                .filter(t -> !t.startsWith("net.change") || t.contains("announce")).toList();
        assertEquals(List.of("bond.active", announce + ", " + next + " active)", "bond.release", announce + ", released)"), steps);
        assertEquals(List.of(next, next), f.net.changeLog().announcements("bond0").stream().map(ChangeLog.Announcement::via).toList(),
                "out of the active slave only: the bond's MAC out of another would teach the switch the wrong port");
        assertTrue(f.net.read().link(primary).up(), "still up, still probed");
        assertTrue(f.probes.watched.containsKey(primary));
        f.path(primary, true);
        assertTrue(bond0().slaves().contains(primary), "back once it answers");
        f.advance(200);
        assertEquals(primary, bond0().activeSlave(), "and the primary again (primary_reselect always)");
    }
}
