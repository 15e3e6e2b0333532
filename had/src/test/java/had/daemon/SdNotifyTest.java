package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.os.UnixDatagram;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's datagrams: paths, abstract names, the watchdog's environment, and never blocking. */
class SdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void sendsToAPathAndToAnAbstractName() throws Exception {
        String path = dir.resolve("notify").toString();
        String abstractName = "@had-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        for (String address : new String[] {path, abstractName}) {
            try (UnixDatagram systemd = UnixDatagram.bind(address)) {
                SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", address));
                n.send("READY=1\nSTATUS=ok");
                assertEquals("READY=1\nSTATUS=ok", systemd.receive(2000));
                n.close();
            }
        }
    }

    @Test
    void nothingToNotifyWithoutNotifySocket() {
        assertNull(SdNotify.fromEnvironment(Map.of()));
        assertNull(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative/path")));
    }

    @Test
    void theWatchdogIsHalfOfWatchdogUsecAndOnlyForThisProcess() {
        String me = Long.toString(ProcessHandle.current().pid());
        SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "3000000", "WATCHDOG_PID", me));
        assertEquals(1500, n.watchdogIntervalMillis());
        SdNotify other = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "1"));
        assertEquals(0, other.watchdogIntervalMillis());
        assertEquals(0, SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "/x")).watchdogIntervalMillis());
    }

    /** It runs on the event loop: a receiver that never reads must not stop had. */
    @Test
    void aFullReceiverNeverBlocksTheSender() throws Exception {
        String path = dir.resolve("deaf").toString();
        try (UnixDatagram deaf = UnixDatagram.bind(path)) {
            SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path));
            long t0 = System.nanoTime();
            for (int i = 0; i < 5000; i++) n.send("WATCHDOG=1");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5000, ms + " ms");
            assertEquals("WATCHDOG=1", deaf.receive(1000));
            n.close();
        }
    }
}
