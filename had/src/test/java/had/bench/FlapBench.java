package had.bench;

import had.backplane.PathState;
import had.backplane.PathSupervision;
import had.backplane.PciId;
import had.backplane.bridge.SimChassisControl;
import had.config.ConfigError;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.core.BondView;
import had.core.Chassis;
import had.core.Settings;
import had.json.Json;
import had.network.NetworkChange;
import had.sim.SimulatedChassis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The failover storm that path supervision must not cause: on the simulated chassis of
 * conf/had.conf (the simulated prober), the path of bond0's active port is cut for 50 ms and
 * restored for 50 ms, again and again for 10 s, carrier kept. Counts every move of bond0's active
 * slave (had's own, {@code bond.active}, and the bonding driver's return to the primary when had
 * names it primary again) and the {@code path.state} verdicts on that port, against the bound
 * of at most one move per up window.
 */
final class FlapBench {
    static final long HALF_MS = 50;
    static final long FLAP_MS = 10_000;
    /** After the last restoration: time for its up verdict and the move it brings. */
    static final long AFTER_MS = 1_000;
    static final PciId CARD = new PciId(0x8086, 0x10d3);
    /** How far from a round each cut falls: room for the flap's own timing on either side. */
    static final long PHASE_MS = 3;

    private FlapBench() {}

    public static void main(String[] args) throws Exception {
        System.out.print(report());
    }

    static String report() throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path hadConf = top.resolve("conf/had.conf");
        LoadResult loaded = new ConfigLoader().load(hadConf, top.resolve("conf/pcidrivers.conf"));
        if (!loaded.ok()) {
            throw new IllegalStateException(hadConf + " refused: " + loaded.errors().stream().map(ConfigError::toString).toList());
        }
        PathSupervision spec = loaded.config().bonds().get("bond0").paths();
        if (spec == null) throw new IllegalStateException(hadConf + ": bond0 has no path_targets");
        Path tmp = Files.createTempDirectory("had-flap-bench");
        Path audit = tmp.resolve("audit.log");
        SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), Settings.DEFAULT, tmp, audit);
        try (SimChassisControl sim = SimChassisControl.connect(chassis.controlSocket())) {
            sim.insert(2, CARD, 2);
            sim.insert(12, CARD, 2);
            sim.insert(16, CARD, 1);
            BondView before = awaitBond0(chassis, null);
            String port = before.activeSlave();
            BondView.SlaveView where = before.slaves().stream().filter(s -> s.ifname().equals(port)).findFirst().orElseThrow();
            AtomicInteger moves = new AtomicInteger();
            chassis.network().onChange(c -> {
                if (c instanceof NetworkChange.ActiveSlave a && a.bond().equals("bond0")) moves.incrementAndGet();
            });
            long step = TimeUnit.MILLISECONDS.toNanos(spec.intervalMs());
            // The phase that gives no verdicts first: the other leaves the port held off for up to a
            // minute after it (flap damping), and nothing follows it.
            Run best = flap(chassis, sim, audit, spec, where, moves, step, TimeUnit.MILLISECONDS.toNanos(PHASE_MS));
            awaitBond0(chassis, port);
            Run worst = flap(chassis, sim, audit, spec, where, moves, step, -TimeUnit.MILLISECONDS.toNanos(PHASE_MS));
            // An up window is path_answered answered rounds in a row; a restoration of HALF_MS holds at most
            // ceil(HALF_MS / interval) rounds, so at most that many / path_answered whole windows.
            long roundsPerRestoration = (HALF_MS + spec.intervalMs() - 1) / spec.intervalMs();
            long windows = worst.restorations * (roundsPerRestoration / spec.answered());
            long bound = Math.max(1, windows);
            StringBuilder r = new StringBuilder();
            r.append(String.format(Locale.ROOT, "path flap: bond0 of conf/had.conf (path_interval %d ms, path_missed %d, path_answered %d),"
                    + " simulated prober%n", spec.intervalMs(), spec.missed(), spec.answered()));
            r.append(String.format(Locale.ROOT, "  the path of the active port %s (slot %d port %d) cut %d ms and restored %d ms for %d s,"
                    + " carrier kept;%n  a %d ms flap keeps step with %d ms rounds, so where the cuts fall decides; both extremes:%n",
                    port, where.slot(), where.port(), HALF_MS, HALF_MS, FLAP_MS / 1000, 2 * HALF_MS, spec.intervalMs()));
            r.append(worst.line("cuts " + PHASE_MS + " ms before a round"));
            r.append(best.line("cuts " + PHASE_MS + " ms after a round"));
            r.append(String.format(Locale.ROOT, "  bound: an up window is %d answered rounds in a row (%d ms); a %d ms restoration holds"
                    + " at most %d rounds, so %d whole window(s):%n    %d restorations give %d up windows, at most %d moves%n",
                    spec.answered(), spec.answered() * spec.intervalMs(), HALF_MS, roundsPerRestoration,
                    roundsPerRestoration / spec.answered(), worst.restorations, windows, bound));
            int most = Math.max(worst.moves, best.moves);
            // Each cut at the worse phase spans path_missed rounds (conf/had.conf: 3 of 20 ms in 50 ms),
            // so a flap that kept its phase brings down verdicts there: none means the bench missed them.
            boolean inPhase = worst.inPhase() && best.inPhase() && worst.downs > 0;
            r.append(String.format(Locale.ROOT, "  goal: at most one move per up window: %s (%d moves at the worse phase, bound %d)%s%n",
                    most <= bound && inPhase ? "met" : "NOT met", most, bound,
                    inPhase ? "" : "; the flap lost its phase to the rounds (no down verdict at the worse phase, or"
                            + " rounds off the grid, or commands late), so the figures above do not show both extremes"));
            return r.toString();
        } finally {
            chassis.close();
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Run(int cuts, int restorations, int moves, int hadMoves, int downs, int ups, double lateMs, int outOfPhase,
               double offGridMs, String activeAfter) {
        String line(String phase) {
            return String.format(Locale.ROOT, "  %-28s %d cuts: verdicts %d down, %d up; moves of the active slave %d (had's"
                    + " bond.active %d,%n      the driver's returns to the primary %d), active after %s; %d of %d flap commands"
                    + " more than %d ms late (at most %.1f ms);%n      down verdicts' first unanswered round at most %.1f ms"
                    + " off the grid%n",
                    phase + ":", cuts, downs, ups, moves, hadMoves, moves - hadMoves, activeAfter, outOfPhase,
                    cuts + restorations, PHASE_MS, lateMs, offGridMs);
        }

        /**
         * The flap kept its phase to the rounds: the rounds where the bench put them, and no more than
         * one command in twenty late (a late cut or restoration is one that misses its extreme).
         */
        boolean inPhase() {
            return offGridMs < PHASE_MS && outOfPhase * 20 <= cuts + restorations;
        }
    }

    /**
     * Flaps the port's path on a grid of HALF_MS from the first round at least 100 ms ahead, shifted
     * by {@code phase}; counts what it caused. A port's rounds after its first fall on multiples of
     * the interval on the monotonic clock (picmg-bridge path.c, next_round), the clock that
     * System.nanoTime reads; each down verdict's {@code since}, its first unanswered round, shows
     * whether they still do.
     */
    private static Run flap(SimulatedChassis chassis, SimChassisControl sim, Path audit, PathSupervision spec,
                            BondView.SlaveView where, AtomicInteger moves, long step, long phase) throws Exception {
        String port = where.ifname();
        int records0 = records(audit).size();
        int moves0 = moves.get();
        long ahead = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long t0 = (ahead / step + 1) * step + phase;
        int cuts = 0, restorations = 0, outOfPhase = 0;
        long late = 0;
        for (int k = 0; k * HALF_MS < FLAP_MS; k++) {
            long due = t0 + TimeUnit.MILLISECONDS.toNanos(k * HALF_MS);
            LockSupport.parkNanos(due - System.nanoTime());
            boolean restore = k % 2 == 1;
            sim.path(where.slot(), where.port(), restore);
            long l = System.nanoTime() - due;
            late = Math.max(late, l);
            if (l > TimeUnit.MILLISECONDS.toNanos(PHASE_MS)) outOfPhase++;
            if (restore) restorations++; else cuts++;
        }
        sim.path(where.slot(), where.port(), true);
        Thread.sleep(AFTER_MS);
        int movesSeen = moves.get() - moves0;
        List<Map<String, Object>> recs = records(audit);
        int hadMoves = 0, ups = 0, downs = 0;
        long offGrid = 0;
        for (Map<String, Object> r : recs.subList(records0, recs.size())) {
            if ("bond.active".equals(r.get("type")) && "bond0".equals(r.get("bond"))) hadMoves++;
            if ("path.state".equals(r.get("type")) && port.equals(r.get("ifname"))) {
                if (Boolean.TRUE.equals(r.get("up"))) {
                    ups++;
                } else {
                    downs++;
                    long off = Math.floorMod(((Number) r.get("since")).longValue(), step);
                    offGrid = Math.max(offGrid, Math.min(off, step - off));
                }
            }
        }
        return new Run(cuts, restorations, movesSeen, hadMoves, downs, ups, late / 1e6, outOfPhase, offGrid / 1e6,
                bond0(chassis).activeSlave());
    }

    /** bond0 with every slave's path up and an active slave ({@code active}, when not null). */
    private static BondView awaitBond0(SimulatedChassis chassis, String active) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            BondView b = bond0(chassis);
            if (b.activeSlave() != null && (active == null || active.equals(b.activeSlave())) && b.slaves().size() == 4 && b.slaves().stream().allMatch(s -> s.path() == PathState.UP)) {
                return b;
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("bond0 not ready after 30 s: " + b);
            Thread.sleep(20);
        }
    }

    private static BondView bond0(SimulatedChassis chassis) throws Exception {
        for (BondView b : chassis.daemon().loop().call(Chassis::bonds).get(5, TimeUnit.SECONDS)) {
            if (b.name().equals("bond0")) return b;
        }
        throw new IllegalStateException("no bond0");
    }

    /** The audit log's whole records so far. */
    private static List<Map<String, Object>> records(Path audit) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        String text = Files.readString(audit, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isEmpty()) out.add(Json.parseObject(line));
        }
        return out;
    }
}
