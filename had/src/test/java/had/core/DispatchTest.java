package had.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.backplane.BackplaneEvent;
import had.backplane.PciFunction;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every type of backplane event has its handler: the sealed interface's permitted types, each
 * made with plain values and handed to the chassis, never meet "no handler" (a new event type
 * without its case in Chassis.dispatch fails here, not on a chassis when it first arrives).
 */
class DispatchTest {
    @Test
    void everyEventTypeHasAHandler() throws Exception {
        Class<?>[] types = BackplaneEvent.class.getPermittedSubclasses();
        assertTrue(types.length >= 11, "the event types: " + List.of(types));
        for (Class<?> type : types) {
            CoreFixture f = new CoreFixture(Configs.motorola8216());
            BackplaneEvent e = plain(type);
            try {
                f.chassis.handle(e);
            } catch (RuntimeException thrown) {
                String m = String.valueOf(thrown.getMessage());
                assertFalse(m.startsWith("no handler for backplane event"), type.getSimpleName() + ": " + m);
            }
        }
    }

    /** An event of {@code type} with plain values: slot 2, port eth0, an empty list, zero. */
    private static BackplaneEvent plain(Class<?> type) throws Exception {
        RecordComponent[] cs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[cs.length];
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            Class<?> t = cs[i].getType();
            types[i] = t;
            args[i] = t == int.class ? 2 : t == long.class ? 0L : t == boolean.class ? false : t == String.class ? "eth0"
                    : t == List.class ? List.of() : t == Set.class ? Set.of() : t == Map.class ? Map.of()
                    : t == PciFunction.class ? new PciFunction("0000:02:00.0", 0, Configs.E1000E, 0x020000) : null;
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        return (BackplaneEvent) c.newInstance(args);
    }
}
