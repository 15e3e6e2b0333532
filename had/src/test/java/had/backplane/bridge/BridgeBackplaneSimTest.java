package had.backplane.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import had.backplane.BackplaneEvent;
import had.backplane.BackplaneEvent.CardInserted;
import had.backplane.BackplaneEvent.CardRemoved;
import had.backplane.BackplaneEvent.ExtractionCancelled;
import had.backplane.BackplaneEvent.ExtractionRequested;
import had.backplane.BackplaneEvent.LinkChanged;
import had.backplane.BackplaneEvent.NetdevAdded;
import had.backplane.BackplaneEvent.NetdevRemoved;
import had.backplane.BackplaneEvent.Resync;
import had.backplane.BackplaneException;
import had.backplane.PciFunction;
import had.backplane.PciId;

/** End to end through jnr-ffi into picmg-bridge's simulated backplane and its control socket. */
class BridgeBackplaneSimTest {
    private static final PciId DUAL = new PciId(0x8086, 0x105e, 0x1057, 0xa5b2);
    private static final PciId SINGLE = new PciId(0x8086, 0x10d3);
    private static final PciFunction S2F0 = new PciFunction("0000:02:00.0", 0, DUAL, 0x020000);
    private static final PciFunction S2F1 = new PciFunction("0000:02:00.1", 1, DUAL, 0x020000);

    @TempDir
    Path dir;

    private Path socket;
    private BridgeBackplane bp;
    private SimChassisControl ctl;
    private final BlockingQueue<BackplaneEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() {
        socket = dir.resolve("sim.sock");
        bp = BridgeBackplane.openSim("slots=2,12,16;probe_ms=5;socket=" + socket);
        bp.simDriver("e1000e", "8086:10d3,8086:105e", true);
        bp.start(events::add);
        ctl = SimChassisControl.connect(socket);
        // start() first reports what is in the chassis: nothing yet.
        try {
            assertEquals(List.of(new Resync(java.util.Set.of(), 0)), next(1));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() {
        if (ctl != null) ctl.close();
        if (bp != null) bp.close();
    }

    /** The next n events, each within 5 s, with their times zeroed; then nothing for 100 ms. */
    private List<BackplaneEvent> next(int n) throws InterruptedException {
        List<BackplaneEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BackplaneEvent e = events.poll(5, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("only " + out + " of " + n + " events");
            out.add(untimed(e));
        }
        BackplaneEvent extra = events.poll(100, TimeUnit.MILLISECONDS);
        assertNull(extra, () -> "unexpected event after " + out);
        return out;
    }

    private static BackplaneEvent untimed(BackplaneEvent e) {
        if (e instanceof CardInserted c) return new CardInserted(c.slot(), c.functions(), 0);
        if (e instanceof ExtractionRequested x) return new ExtractionRequested(x.slot(), 0);
        if (e instanceof ExtractionCancelled x) return new ExtractionCancelled(x.slot(), 0);
        if (e instanceof CardRemoved x) return new CardRemoved(x.slot(), 0);
        if (e instanceof NetdevAdded n) return new NetdevAdded(n.slot(), n.function(), n.ifname(), 0);
        if (e instanceof NetdevRemoved n) return new NetdevRemoved(n.slot(), n.ifname(), 0);
        if (e instanceof LinkChanged l) return new LinkChanged(l.slot(), l.ifname(), l.carrier(), 0);
        if (e instanceof Resync r) return new Resync(r.occupied(), 0);
        throw new AssertionError(e);
    }

    private static List<BackplaneEvent> dualUp() {
        return List.of(
                new CardInserted(2, List.of(S2F0, S2F1), 0),
                new NetdevAdded(2, S2F1, "eth0", 0), // function 1 is announced first
                new NetdevAdded(2, S2F0, "eth1", 0),
                new LinkChanged(2, "eth0", true, 0),
                new LinkChanged(2, "eth1", true, 0));
    }

    private void insertDual() throws InterruptedException {
        ctl.insert(2, DUAL, 2);
        assertEquals(dualUp(), next(5));
    }

    @Test
    void insertingADualCardAnnouncesFunctionsAndNetdevsWithMonotonicTimes() throws InterruptedException {
        long before = System.nanoTime();
        ctl.insert(2, DUAL, 2);
        List<BackplaneEvent> raw = new ArrayList<>();
        for (int i = 0; i < 5; i++) raw.add(events.poll(5, TimeUnit.SECONDS));
        long after = System.nanoTime();
        assertEquals(dualUp(), raw.stream().map(BridgeBackplaneSimTest::untimed).toList());
        for (int i = 0; i < raw.size(); i++) {
            long at = raw.get(i).at();
            assertTrue(at >= before && at <= after, "event time on System.nanoTime's clock: " + raw.get(i));
            if (i > 0) assertTrue(at >= raw.get(i - 1).at());
        }
        assertTrue(raw.get(1).at() - raw.get(0).at() >= 5_000_000L, "the driver probes probe_ms later");

        List<BridgeBackplane.SlotInfo> slots = bp.slots();
        assertEquals(List.of(2, 12, 16), slots.stream().map(BridgeBackplane.SlotInfo::slot).toList());
        BridgeBackplane.SlotInfo s2 = slots.get(0);
        assertTrue(s2.present() && s2.powered() && !s2.led() && !s2.latchOpen());
        assertEquals(List.of(new BridgeBackplane.SlotFunction(S2F0, "e1000e", "eth1"),
                new BridgeBackplane.SlotFunction(S2F1, "e1000e", "eth0")), s2.functions());
        assertEquals(new SimChassisControl.Leds(true, false, false, false, true), ctl.leds(2));
        assertTrue(ctl.slots().startsWith("2:present=1,power=1,led=0,attention=0,latch=closed,id=8086:105e:1057:a5b2,"
                + "ports=2,netdevs=eth1/eth0 12:present=0"), ctl.slots());
    }

    @Test
    void extractionRequestCancelThenPowerOffAndPull() throws InterruptedException {
        insertDual();
        ctl.handle(2, true);
        ctl.handle(2, false);
        ctl.handle(2, true);
        assertEquals(List.of(new ExtractionRequested(2, 0), new ExtractionCancelled(2, 0), new ExtractionRequested(2, 0)),
                next(3));
        bp.powerOff(2);
        bp.setHotSwapLed(2, true);
        assertEquals(List.of(new NetdevRemoved(2, "eth0", 0), new NetdevRemoved(2, "eth1", 0)), next(2));
        assertEquals(new SimChassisControl.Leds(false, true, false, true, true), ctl.leds(2));
        ctl.remove(2);
        assertEquals(List.of(new CardRemoved(2, 0)), next(1));
        assertEquals(new SimChassisControl.Leds(false, false, false, false, false), ctl.leds(2));
    }

    @Test
    void surpriseRemovalDropsLinksAndNetdevsFirst() throws InterruptedException {
        insertDual();
        ctl.remove(2);
        assertEquals(List.of(
                new LinkChanged(2, "eth0", false, 0), new NetdevRemoved(2, "eth0", 0),
                new LinkChanged(2, "eth1", false, 0), new NetdevRemoved(2, "eth1", 0),
                new CardRemoved(2, 0)), next(5));
    }

    @Test
    void linkDropAndReturnOnOnePort() throws InterruptedException {
        insertDual();
        ctl.link(2, 0, false);
        ctl.link(2, 0, true);
        assertEquals(List.of(new LinkChanged(2, "eth1", false, 0), new LinkChanged(2, "eth1", true, 0)), next(2));
    }

    @Test
    void softwareExtractionRequestAndPowerOnReinserts() throws InterruptedException {
        insertDual();
        bp.requestExtraction(2);
        assertEquals(List.of(new ExtractionRequested(2, 0)), next(1));
        bp.powerOff(2);
        next(2);
        bp.powerOn(2);
        assertEquals(dualUp(), next(5));
        bp.setAttention(12, true);
        assertEquals(new SimChassisControl.Leds(false, false, true, false, false), ctl.leds(12));
    }

    @Test
    void driverLoadedAfterInsertionBringsNetdevsAndUnloadRemovesThem() throws InterruptedException {
        bp.simDriver("e1000e", null, false);
        ctl.insert(16, SINGLE, 1);
        PciFunction f0 = new PciFunction("0000:10:00.0", 0, SINGLE, 0x020000);
        assertEquals(List.of(new CardInserted(16, List.of(f0), 0)), next(1));
        bp.simDriver("e1000e", "8086:10d3", true);
        assertEquals(List.of(new NetdevAdded(16, f0, "eth0", 0), new LinkChanged(16, "eth0", true, 0)), next(2));
        bp.simDriver("e1000e", null, false);
        assertEquals(List.of(new NetdevRemoved(16, "eth0", 0)), next(1));
    }

    @Test
    void resyncDeliversTheWholeState() throws InterruptedException {
        insertDual();
        bp.resync();
        List<BackplaneEvent> expected = new ArrayList<>(dualUp());
        expected.add(new Resync(java.util.Set.of(2), 0));
        assertEquals(expected, next(6));
    }

    @Test
    void failuresCarryTheLibrarysMessageAndErrno() {
        BackplaneException e = assertThrows(BackplaneException.class, () -> bp.powerOn(5));
        assertEquals("power on slot 5: slot 5: no such slot (slots 2,12,16)", e.getMessage());
        assertEquals(19, e.errno()); // ENODEV
        e = assertThrows(BackplaneException.class, () -> bp.powerOn(12));
        assertEquals("power on slot 12: slot 12 is empty: nothing to power on", e.getMessage());
        e = assertThrows(BackplaneException.class, () -> bp.simDriver("tg3", null, false));
        assertEquals(2, e.errno()); // ENOENT
        e = assertThrows(BackplaneException.class, () -> bp.simDriver("bad name", "8086:10d3", true));
        assertEquals(22, e.errno()); // EINVAL
        e = assertThrows(BackplaneException.class, () -> BridgeBackplane.openSim("slots=2;colour=blue"));
        assertEquals("picmg-bridge sim: unknown option 'colour'", e.getMessage());
        assertEquals(22, e.errno());
        e = assertThrows(BackplaneException.class, () -> BridgeBackplane.open("kernel", "poll_ms=soon"));
        assertEquals("picmg-bridge kernel: option poll_ms: milliseconds from 0 to 60000", e.getMessage());
        assertEquals(22, e.errno()); // EINVAL
        SimControlException c = assertThrows(SimControlException.class, () -> ctl.insert(7, SINGLE, 1));
        assertEquals("insert 7 8086:10d3 1: slot 7: no such slot (slots 2,12,16)", c.getMessage());
        c = assertThrows(SimControlException.class, () -> ctl.command("fly 2"));
        assertEquals("fly 2: unknown command (try help)", c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ctl.command("leds 2\nleds 3"));
        assertThrows(IllegalArgumentException.class, () -> ctl.command("x".repeat(300)));
        assertThrows(IllegalStateException.class, () -> bp.start(events::add));
    }

    @Test
    void aFailingSinkDoesNotStopDelivery() throws InterruptedException {
        bp.close();
        ctl.close();
        AtomicBoolean thrown = new AtomicBoolean();
        bp = BridgeBackplane.openSim("slots=2,12,16;probe_ms=5;socket=" + socket);
        bp.simDriver("e1000e", "8086:10d3,8086:105e", true);
        bp.start(e -> {
            if (thrown.compareAndSet(false, true)) throw new IllegalStateException("sink hiccup");
            events.add(e);
        });
        ctl = SimChassisControl.connect(socket);
        ctl.insert(2, DUAL, 2);
        // The first event (the start-up inventory's end) hit the hiccup; the rest all arrive.
        assertEquals(dualUp(), next(5));
        assertTrue(thrown.get());
    }

    @Test
    void closeStopsTheReaderAndRefusesCommands() throws InterruptedException {
        long t0 = System.nanoTime();
        bp.close();
        // At once, not when the reader's wait of WAIT_MS runs out.
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        bp.close(); // twice is fine
        Thread.sleep(50);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("picmg-bridge-sim") && t.isAlive()), "reader thread stopped");
        assertThrows(IllegalStateException.class, () -> bp.powerOn(2));
        assertThrows(IllegalStateException.class, () -> bp.slots());
        bp = null;
    }

    @Test
    void controlWithoutTheEventThreadTimesOut() {
        Path other = dir.resolve("idle.sock");
        try (BridgeBackplane idle = BridgeBackplane.openSim("slots=3;socket=" + other);
             SimChassisControl c = SimChassisControl.connect(other, Duration.ofMillis(200))) {
            SimControlException e = assertThrows(SimControlException.class, () -> c.leds(3));
            assertTrue(e.getMessage().contains("no reply within 200 ms"), e.getMessage());
            assertEquals("sim", idle.backend());
        }
        assertThrows(SimControlException.class, () -> SimChassisControl.connect(dir.resolve("nobody.sock")));
    }

    /** A drill may wait longer between two steps than the simulator keeps an idle client. */
    @Test
    void aConnectionTheSimulatorClosedAsIdleIsOpenedAgain() throws InterruptedException {
        bp.close();
        ctl.close();
        bp = BridgeBackplane.openSim("slots=2,12,16;probe_ms=5;idle_ms=100;socket=" + socket);
        bp.start(events::add);
        ctl = SimChassisControl.connect(socket);
        assertEquals(new SimChassisControl.Leds(false, false, false, false, false), ctl.leds(2));
        Thread.sleep(400);
        assertEquals(new SimChassisControl.Leds(false, false, false, false, false), ctl.leds(2));
        ctl.insert(2, SINGLE, 1);
        Thread.sleep(400);
        assertEquals(new SimChassisControl.Leds(true, false, false, false, true), ctl.leds(2));
    }

    @Test
    void twoControlClientsShareTheChassis() throws InterruptedException {
        try (SimChassisControl second = SimChassisControl.connect(socket)) {
            ctl.insert(2, DUAL, 2);
            assertEquals(dualUp(), next(5));
            second.handle(2, true);
            assertEquals(List.of(new ExtractionRequested(2, 0)), next(1));
            assertEquals(new SimChassisControl.Leds(true, false, false, true, true), ctl.leds(2));
        }
    }
}
