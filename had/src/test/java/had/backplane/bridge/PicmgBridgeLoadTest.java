package had.backplane.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

class PicmgBridgeLoadTest {
    @Test
    void structuresMatchTheLibrary() {
        PicmgBridge lib = BridgeBackplane.Library.get();
        Runtime rt = Runtime.getRuntime(lib);
        assertEquals(472, lib.pb_event_size());
        assertEquals(120, lib.pb_path_info_size());
        assertEquals(lib.pb_event_size(), Struct.size(new PicmgBridge.PbEvent(rt)));
        assertEquals(lib.pb_slot_info_size(), Struct.size(new PicmgBridge.PbSlotInfo(rt)));
        assertEquals(lib.pb_path_info_size(), Struct.size(new PicmgBridge.PbPathInfo(rt)));
    }

    @Test
    void aMissingLibraryPathIsNamed() {
        String saved = System.getProperty(PicmgBridge.LIB_PROPERTY);
        try {
            System.setProperty(PicmgBridge.LIB_PROPERTY, "/nonexistent/libpicmg-bridge.so");
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, PicmgBridge::load);
            assertTrue(e.getMessage().contains("/nonexistent/libpicmg-bridge.so"), e.getMessage());
        } finally {
            if (saved == null) System.clearProperty(PicmgBridge.LIB_PROPERTY);
            else System.setProperty(PicmgBridge.LIB_PROPERTY, saved);
        }
    }
}
