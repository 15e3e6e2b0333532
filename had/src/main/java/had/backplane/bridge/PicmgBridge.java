package had.backplane.bridge;

import java.nio.file.Files;
import java.nio.file.Path;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/**
 * The C API of picmg-bridge ({@code picmg-bridge/include/picmg_bridge.h}) as jnr-ffi sees it,
 * with the structures it fills. {@link #load()} finds the library: system property
 * {@value #LIB_PROPERTY}, else environment variable {@value #LIB_ENV} (both a path to the .so),
 * else {@code libpicmg-bridge.so} on the system library path.
 */
public interface PicmgBridge {
    String LIB_PROPERTY = "had.bridge.lib";
    String LIB_ENV = "HAD_BRIDGE_LIB";
    String LIB_NAME = "picmg-bridge";

    int MAX_FUNCTIONS = 8;

    int EV_CARD_INSERTED = 1;
    int EV_EXTRACT_REQUEST = 2;
    int EV_EXTRACT_CANCEL = 3;
    int EV_CARD_REMOVED = 4;
    int EV_NETDEV_ADDED = 5;
    int EV_NETDEV_REMOVED = 6;
    int EV_LINK = 7;
    int EV_RESYNC = 8;
    int EV_PATH = 9;
    int EV_SIM_PATH = 10;
    int EV_CARD_OFF = 11;
    int EV_AER = 12;
    int AER_KINDS = 3;
    int TARGET_LEN = 48;

    int pb_open_err(String backend, String options, @Out PointerByReference out, Pointer err, @size_t long errlen);

    int pb_next_event(Pointer ctx, Pointer event, int timeoutMs);

    int pb_interrupt(Pointer ctx);

    int pb_slot_power(Pointer ctx, int slot, int on);

    int pb_slot_led(Pointer ctx, int slot, int on);

    int pb_slot_attention(Pointer ctx, int slot, int on);

    int pb_request_extraction(Pointer ctx, int slot);

    int pb_list_slots(Pointer ctx, Pointer out, int max);

    int pb_resync(Pointer ctx);

    int pb_sim_driver(Pointer ctx, @In String module, @In String ids, int loaded);

    int pb_path_watch(Pointer ctx, @In String ifname, @In String group, @In String targets, int intervalMs, int missed,
                      int answered);

    int pb_path_unwatch(Pointer ctx, @In String ifname);

    int pb_path_hold(Pointer ctx, @In String ifname, int held);

    int pb_path_list(Pointer ctx, Pointer out, int max);

    String pb_last_error(Pointer ctx);

    void pb_close(Pointer ctx);

    @size_t long pb_event_size();

    @size_t long pb_slot_info_size();

    @size_t long pb_path_info_size();

    /** Loads the library as the class comment says; fails if its structures differ from ours. */
    static PicmgBridge load() {
        String explicit = System.getProperty(LIB_PROPERTY);
        if (explicit == null || explicit.isBlank()) explicit = System.getenv(LIB_ENV);
        String name = explicit == null || explicit.isBlank() ? LIB_NAME : explicit;
        if (explicit != null && !explicit.isBlank() && !Files.isReadable(Path.of(explicit))) {
            throw new UnsatisfiedLinkError("picmg-bridge library not found: " + explicit
                    + " (set -D" + LIB_PROPERTY + " or " + LIB_ENV + ")");
        }
        PicmgBridge lib = LibraryLoader.create(PicmgBridge.class).failImmediately().load(name);
        Runtime rt = Runtime.getRuntime(lib);
        long ev = lib.pb_event_size(), si = lib.pb_slot_info_size(), pi = lib.pb_path_info_size();
        if (ev != Struct.size(new PbEvent(rt)) || si != Struct.size(new PbSlotInfo(rt))
                || pi != Struct.size(new PbPathInfo(rt))) {
            throw new UnsatisfiedLinkError("picmg-bridge " + name + ": structure sizes " + ev + "/" + si + "/" + pi
                    + " do not match this binding (" + Struct.size(new PbEvent(rt)) + "/"
                    + Struct.size(new PbSlotInfo(rt)) + "/" + Struct.size(new PbPathInfo(rt)) + ")");
        }
        return lib;
    }

    /** struct pb_function. */
    final class PbFunction extends Struct {
        public final UTF8String address = new UTF8String(16);
        public final Signed32 function = new Signed32();
        public final Signed32 vendor = new Signed32();
        public final Signed32 device = new Signed32();
        public final Signed32 subvendor = new Signed32();
        public final Signed32 subdevice = new Signed32();
        public final Signed32 pciClass = new Signed32();

        public PbFunction(Runtime runtime) {
            super(runtime);
        }
    }

    /** struct pb_event. */
    final class PbEvent extends Struct {
        public final Signed32 type = new Signed32();
        public final Signed32 slot = new Signed32();
        public final Unsigned64 monotonicNs = new Unsigned64();
        public final Signed32 nfunctions = new Signed32();
        public final Signed32 carrier = new Signed32();
        public final UTF8String ifname = new UTF8String(16);
        public final PbFunction[] functions = new PbFunction[MAX_FUNCTIONS];

        {
            for (int i = 0; i < functions.length; i++) functions[i] = inner(new PbFunction(getRuntime()));
        }

        public final Unsigned64 rttNs = new Unsigned64();
        public final Unsigned64 sinceNs = new Unsigned64();
        public final UTF8String target = new UTF8String(TARGET_LEN);
        /** PB_EV_AER: new errors since the function's last report, and the kernel's totals: correctable, non-fatal, fatal. */
        public final Unsigned64[] aerNew = array(new Unsigned64[AER_KINDS]);
        public final Unsigned64[] aerTotal = array(new Unsigned64[AER_KINDS]);

        public PbEvent(Runtime runtime) {
            super(runtime);
        }
    }

    /** struct pb_path_info. */
    final class PbPathInfo extends Struct {
        public final UTF8String ifname = new UTF8String(16);
        public final UTF8String group = new UTF8String(16);
        public final Signed32 state = new Signed32();
        public final Signed32 intervalMs = new Signed32();
        public final Unsigned64 rttNs = new Unsigned64();
        public final Unsigned64 rounds = new Unsigned64();
        public final Unsigned64 answered = new Unsigned64();
        public final Unsigned64 changedNs = new Unsigned64();
        public final UTF8String target = new UTF8String(TARGET_LEN);

        public PbPathInfo(Runtime runtime) {
            super(runtime);
        }
    }

    /** struct pb_slot_function. */
    final class PbSlotFunction extends Struct {
        public final PbFunction fn;
        public final UTF8String driver;
        public final UTF8String ifname;

        public PbSlotFunction(Runtime runtime) {
            super(runtime);
            fn = inner(new PbFunction(runtime));
            driver = new UTF8String(32);
            ifname = new UTF8String(16);
        }
    }

    /** struct pb_slot_info. */
    final class PbSlotInfo extends Struct {
        public final Signed32 slot = new Signed32();
        public final Signed32 present = new Signed32();
        public final Signed32 powered = new Signed32();
        public final Signed32 led = new Signed32();
        public final Signed32 attention = new Signed32();
        public final Signed32 latchOpen = new Signed32();
        public final Signed32 nfunctions = new Signed32();
        public final Signed32 reserved = new Signed32();
        public final PbSlotFunction[] functions = new PbSlotFunction[MAX_FUNCTIONS];

        {
            for (int i = 0; i < functions.length; i++) functions[i] = inner(new PbSlotFunction(getRuntime()));
        }

        public PbSlotInfo(Runtime runtime) {
            super(runtime);
        }
    }
}
