package had.backplane.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import had.backplane.Backplane;
import had.backplane.BackplaneEvent;
import had.backplane.BackplaneException;
import had.backplane.PciFunction;
import had.backplane.PathProbes;
import had.backplane.PathState;
import had.backplane.PciId;
import had.backplane.PathSupervision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.PointerByReference;

/**
 * {@link Backplane} on picmg-bridge: one native context ({@code pb_open}), one daemon thread that
 * waits in {@code pb_next_event} and hands each event, converted, to the sink. Commands are
 * {@code pb_*} calls; a negative return becomes a {@link BackplaneException} carrying the
 * library's message and the errno.
 */
public final class BridgeBackplane implements Backplane, PathProbes {
    private static final Logger log = LoggerFactory.getLogger(BridgeBackplane.class);
    /**
     * How long one pb_next_event call may block. close() stops a wait at once (pb_interrupt), so
     * this only bounds how long a lost interrupt could hold it; the reader does not wake to look.
     */
    static final int WAIT_MS = 10_000;
    private static final int ERR_LEN = 256;
    private static final int ENOENT = 2;

    /** One PCI function of a slot as the library lists it, with its driver and interface. */
    public record SlotFunction(PciFunction function, String driver, String ifname) {}

    /** A slot as the library lists it. */
    public record SlotInfo(int slot, boolean present, boolean powered, boolean led, boolean attention,
                           boolean latchOpen, List<SlotFunction> functions) {
        public SlotInfo {
            functions = List.copyOf(functions);
        }
    }

    private final PicmgBridge lib;
    private final Runtime runtime;
    private final String backend;
    private final Object commandLock = new Object();
    private volatile Pointer ctx;
    private volatile boolean running;
    /** Where the simulated backplane's wire cuts go (a simulated kernel models its ARP monitor with them). */
    private volatile BiConsumer<String, Boolean> simPathListener;
    private Thread reader;

    private BridgeBackplane(PicmgBridge lib, String backend, Pointer ctx) {
        this.lib = lib;
        this.runtime = Runtime.getRuntime(lib);
        this.backend = backend;
        this.ctx = ctx;
    }

    /** Opens a backend ("sim" or "kernel") with its options string ("key=value;..."). */
    public static BridgeBackplane open(String backend, String options) {
        return open(Library.get(), backend, options);
    }

    /** Opens the simulated backplane, e.g. {@code "slots=2,12,16;socket=/run/had/sim.sock"}. */
    public static BridgeBackplane openSim(String options) {
        return open("sim", options);
    }

    static BridgeBackplane open(PicmgBridge lib, String backend, String options) {
        Objects.requireNonNull(backend, "backend");
        Runtime rt = Runtime.getRuntime(lib);
        PointerByReference out = new PointerByReference();
        Pointer err = Memory.allocateDirect(rt, ERR_LEN, true);
        int rc = lib.pb_open_err(backend, options == null ? "" : options, out, err, ERR_LEN);
        if (rc < 0) {
            throw new BackplaneException("picmg-bridge " + backend + ": " + err.getString(0), -rc);
        }
        return new BridgeBackplane(lib, backend, out.getValue());
    }

    public String backend() {
        return backend;
    }

    @Override
    public synchronized void start(Consumer<BackplaneEvent> sink) {
        Objects.requireNonNull(sink, "sink");
        Pointer c = live();
        if (reader != null) throw new IllegalStateException("backplane events already started");
        running = true;
        // The consumer's first events are an inventory of what is already in the chassis.
        resync();
        reader = new Thread(() -> readLoop(c, sink), "picmg-bridge-" + backend);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(Pointer c, Consumer<BackplaneEvent> sink) {
        try {
            readEvents(c, sink);
        } catch (Throwable t) {
            log.error("picmg-bridge {}: event thread stopped: no more backplane events", backend, t);
            throw t;
        }
    }

    private void readEvents(Pointer c, Consumer<BackplaneEvent> sink) {
        PicmgBridge.PbEvent ev = new PicmgBridge.PbEvent(runtime);
        Pointer mem = Memory.allocateDirect(runtime, Struct.size(ev), true);
        ev.useMemory(mem);
        int failures = 0;
        while (running) {
            int rc;
            try {
                rc = lib.pb_next_event(c, mem, WAIT_MS);
            } catch (RuntimeException | Error e) {
                log.error("picmg-bridge {}: waiting for events failed", backend, e);
                pause(++failures);
                continue;
            }
            if (rc == 0) continue;
            if (rc < 0) {
                log.error("picmg-bridge {}: pb_next_event: {} (errno {})", backend, lib.pb_last_error(c), -rc);
                pause(++failures);
                continue;
            }
            failures = 0;
            BackplaneEvent event;
            try {
                event = ev.type.get() == PicmgBridge.EV_RESYNC
                        ? new BackplaneEvent.Resync(occupied(), ev.monotonicNs.longValue())
                        : convert(ev);
            } catch (RuntimeException e) {
                log.error("picmg-bridge {}: malformed event of type {} dropped", backend, ev.type.get(), e);
                continue;
            }
            if (event == null && ev.type.get() == PicmgBridge.EV_SIM_PATH) {
                BiConsumer<String, Boolean> l = simPathListener;
                if (l != null) l.accept(ev.ifname.get(), ev.carrier.get() != 0);
                continue;
            }
            if (event == null) {
                log.warn("picmg-bridge {}: unknown event type {} dropped", backend, ev.type.get());
                continue;
            }
            try {
                sink.accept(event);
            } catch (RuntimeException e) {
                log.error("picmg-bridge {}: event sink failed on {}", backend, event, e);
            }
        }
    }

    /** Backs off after repeated failures so a broken source cannot spin a core. */
    private void pause(int failures) {
        try {
            Thread.sleep(Math.min(1000L, 10L * failures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Converts a filled pb_event; null for a type this binding does not know. */
    static BackplaneEvent convert(PicmgBridge.PbEvent ev) {
        int slot = ev.slot.get();
        long at = ev.monotonicNs.longValue();
        return switch (ev.type.get()) {
            case PicmgBridge.EV_CARD_INSERTED -> new BackplaneEvent.CardInserted(slot, functions(ev), at);
            case PicmgBridge.EV_CARD_OFF -> new BackplaneEvent.CardOff(slot, functions(ev), at);
            case PicmgBridge.EV_AER -> new BackplaneEvent.AerErrors(slot, function(ev.functions[0]),
                    ev.aerNew[0].longValue(), ev.aerNew[1].longValue(), ev.aerNew[2].longValue(), at);
            case PicmgBridge.EV_EXTRACT_REQUEST -> new BackplaneEvent.ExtractionRequested(slot, at);
            case PicmgBridge.EV_EXTRACT_CANCEL -> new BackplaneEvent.ExtractionCancelled(slot, at);
            case PicmgBridge.EV_CARD_REMOVED -> new BackplaneEvent.CardRemoved(slot, at);
            case PicmgBridge.EV_NETDEV_ADDED ->
                    new BackplaneEvent.NetdevAdded(slot, function(ev.functions[0]), ifname(ev), at);
            case PicmgBridge.EV_NETDEV_REMOVED -> new BackplaneEvent.NetdevRemoved(slot, ifname(ev), at);
            case PicmgBridge.EV_LINK -> new BackplaneEvent.LinkChanged(slot, ifname(ev), ev.carrier.get() != 0, at);
            case PicmgBridge.EV_PATH -> new BackplaneEvent.PathChanged(slot, ifname(ev), ev.carrier.get() != 0,
                    ev.target.get(), ev.rttNs.longValue(), ev.sinceNs.longValue(), at);
            default -> null;
        };
    }

    private static List<PciFunction> functions(PicmgBridge.PbEvent ev) {
        int n = ev.nfunctions.get();
        if (n < 0 || n > PicmgBridge.MAX_FUNCTIONS) throw new IllegalArgumentException("function count " + n);
        List<PciFunction> fns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) fns.add(function(ev.functions[i]));
        return fns;
    }

    private static String ifname(PicmgBridge.PbEvent ev) {
        String name = ev.ifname.get();
        if (name.isEmpty()) throw new IllegalArgumentException("interface name missing");
        return name;
    }

    static PciFunction function(PicmgBridge.PbFunction f) {
        int sv = f.subvendor.get(), sd = f.subdevice.get();
        PciId id = sv == PciId.ANY || sd == PciId.ANY
                ? new PciId(f.vendor.get(), f.device.get())
                : new PciId(f.vendor.get(), f.device.get(), sv, sd);
        return new PciFunction(f.address.get(), f.function.get(), id, f.pciClass.get());
    }

    @Override
    public void powerOn(int slot) {
        command("power on slot " + slot, c -> lib.pb_slot_power(c, slot, 1));
    }

    @Override
    public void powerOff(int slot) {
        command("power off slot " + slot, c -> lib.pb_slot_power(c, slot, 0));
    }

    @Override
    public void setHotSwapLed(int slot, boolean on) {
        command("hot-swap LED of slot " + slot, c -> lib.pb_slot_led(c, slot, on ? 1 : 0));
    }

    @Override
    public void setAttention(int slot, boolean on) {
        command("attention of slot " + slot, c -> lib.pb_slot_attention(c, slot, on ? 1 : 0));
    }

    /** The slots that hold a card now: what an inventory ending in RESYNC covered. */
    private Set<Integer> occupied() {
        Set<Integer> out = new TreeSet<>();
        for (SlotInfo s : slots()) if (s.present()) out.add(s.slot());
        return out;
    }

    /** Software extraction request, as if the card's handle had been opened. */
    public void requestExtraction(int slot) {
        command("extraction request for slot " + slot, c -> lib.pb_request_extraction(c, slot));
    }

    /** Drops undelivered events; the sink then gets a Resync and the complete current state. */
    public void resync() {
        command("resync", lib::pb_resync);
    }

    /**
     * Simulated backend only: tells the simulated kernel that {@code module}, which drives
     * {@code ids} ("8086:10d3,8086:105e"), was loaded or unloaded.
     */
    public void simDriver(String module, String ids, boolean loaded) {
        command((loaded ? "load " : "unload ") + module, c -> lib.pb_sim_driver(c, module, ids, loaded ? 1 : 0));
    }

    @Override
    public void watch(String ifname, String bond, PathSupervision spec) {
        command("path supervision of " + ifname, c -> lib.pb_path_watch(c, ifname, bond, spec.targetList(),
                spec.intervalMs(), spec.missed(), spec.answered()));
    }

    @Override
    public void unwatch(String ifname) {
        synchronized (commandLock) {
            Pointer c = live();
            int rc = lib.pb_path_unwatch(c, ifname);
            if (rc < 0 && rc != -ENOENT) throw failure("end of path supervision of " + ifname, c, rc);
        }
    }

    @Override
    public void hold(String ifname, boolean held) {
        synchronized (commandLock) {
            Pointer c = live();
            int rc = lib.pb_path_hold(c, ifname, held ? 1 : 0);
            if (rc < 0 && rc != -ENOENT) throw failure((held ? "hold of " : "end of the hold of ") + ifname + "'s path", c, rc);
        }
    }

    @Override
    public Map<String, PathProbes.Status> paths() {
        Map<String, PathProbes.Status> out = new LinkedHashMap<>();
        for (PicmgBridge.PbPathInfo p : listed("list paths", lib::pb_path_list, PicmgBridge.PbPathInfo::new)) {
            int st = p.state.get();
            PathState state = st > 0 ? PathState.UP : st == 0 ? PathState.DOWN : PathState.UNKNOWN;
            out.put(p.ifname.get(), new PathProbes.Status(p.ifname.get(), p.group.get(), state, p.rttNs.longValue(),
                    p.rounds.longValue(), p.answered.longValue(), p.target.get()));
        }
        return out;
    }

    /** Simulated backend only: {@code listener} hears of each wire cut (false) and repair (true) by port. */
    public void onSimulatedPath(BiConsumer<String, Boolean> listener) {
        simPathListener = listener;
    }

    /** Every slot of the chassis, with its card's functions, drivers and interfaces. */
    public List<SlotInfo> slots() {
        List<SlotInfo> out = new ArrayList<>();
        for (PicmgBridge.PbSlotInfo s : listed("list slots", lib::pb_list_slots, PicmgBridge.PbSlotInfo::new)) {
            List<SlotFunction> fns = new ArrayList<>();
            int nf = Math.max(0, Math.min(s.nfunctions.get(), PicmgBridge.MAX_FUNCTIONS));
            for (int f = 0; f < nf; f++) {
                PicmgBridge.PbSlotFunction sf = s.functions[f];
                fns.add(new SlotFunction(function(sf.fn), sf.driver.get(), sf.ifname.get()));
            }
            out.add(new SlotInfo(s.slot.get(), s.present.get() != 0, s.powered.get() != 0, s.led.get() != 0,
                    s.attention.get() != 0, s.latchOpen.get() != 0, fns));
        }
        return out;
    }

    /** A pb_list_* function: fills up to max entries at out (none when out is null), returns how many there are. */
    private interface Lister {
        int list(Pointer ctx, Pointer out, int max);
    }

    /**
     * Asks a lister how many entries there are, then for them, and gives each as its structure,
     * backed by one block of native memory.
     */
    private <S extends Struct> List<S> listed(String what, Lister lister, java.util.function.Function<Runtime, S> entry) {
        synchronized (commandLock) {
            Pointer c = live();
            int n = lister.list(c, null, 0);
            if (n < 0) throw failure(what, c, n);
            int size = Struct.size(entry.apply(runtime));
            Pointer mem = Memory.allocateDirect(runtime, (long) size * Math.max(n, 1), true);
            int total = lister.list(c, mem, n);
            if (total < 0) throw failure(what, c, total);
            List<S> out = new ArrayList<>(n);
            for (int i = 0; i < Math.min(n, total); i++) {
                S s = entry.apply(runtime);
                s.useMemory(mem.slice((long) i * size, size));
                out.add(s);
            }
            return out;
        }
    }

    private interface Call {
        int apply(Pointer ctx);
    }

    private void command(String what, Call call) {
        synchronized (commandLock) {
            Pointer c = live();
            int rc = call.apply(c);
            if (rc < 0) throw failure(what, c, rc);
        }
    }

    private BackplaneException failure(String what, Pointer c, int rc) {
        return new BackplaneException(what + ": " + lib.pb_last_error(c), -rc);
    }

    private Pointer live() {
        Pointer c = ctx;
        if (c == null) throw new IllegalStateException("backplane closed");
        return c;
    }

    /** Stops the reader thread, then closes the context. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (ctx == null) return;
            running = false;
            t = reader;
        }
        // The reader sees running only between waits: end the one it is in (or its next).
        synchronized (commandLock) {
            Pointer c = ctx;
            if (t != null && c != null) lib.pb_interrupt(c);
        }
        if (t != null && t != Thread.currentThread()) { // close() from the sink: the loop ends on its own
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        synchronized (commandLock) {
            Pointer c = ctx;
            ctx = null;
            if (c != null) lib.pb_close(c);
        }
    }

    /** The library, loaded once per JVM on first use. */
    static final class Library {
        private static volatile PicmgBridge instance;

        static PicmgBridge get() {
            PicmgBridge lib = instance;
            if (lib == null) {
                synchronized (Library.class) {
                    lib = instance;
                    if (lib == null) instance = lib = PicmgBridge.load();
                }
            }
            return lib;
        }

        private Library() {}
    }
}
