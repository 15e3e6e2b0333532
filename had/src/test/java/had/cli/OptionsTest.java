package had.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The had command's options that reach the kernel backplane. */
class OptionsTest {
    @Test
    void theAerIntervalReachesTheBridgeAndABadOneIsAUsageError() throws Exception {
        assertEquals(1000, Options.parse(new String[0]).aerIntervalMs());
        assertEquals(250, Options.parse(new String[] {"--aer-interval", "250"}).aerIntervalMs());
        assertEquals(0, Options.parse(new String[] {"--aer-interval", "0"}).aerIntervalMs());
        assertEquals("--aer-interval takes milliseconds, 0 to 3600000, not '-5'",
                assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--aer-interval", "-5"})).getMessage());
        assertEquals("--aer-interval takes milliseconds, 0 to 3600000, not '1s'",
                assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--aer-interval", "1s"})).getMessage());
    }
}
