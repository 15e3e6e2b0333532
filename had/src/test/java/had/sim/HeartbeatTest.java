package had.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditLog;
import had.audit.AuditReader;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.core.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running had records heartbeats at its configured interval, and a second had on its log is refused. */
class HeartbeatTest {
    @TempDir
    Path dir;

    @Test
    void heartbeatsAreRecordedWhileHadRuns() throws Exception {
        LoadResult loaded = new ConfigLoader().load(Path.of("conf/had.conf"), Path.of("conf/pcidrivers.conf"));
        Path auditFile = dir.resolve("audit.log");
        AuditLog.Settings audit = new AuditLog.Settings(16L << 20, 0, 100);
        try (SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), Settings.DEFAULT, dir, auditFile, audit)) {
            Thread.sleep(450);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new AuditLog(auditFile, had.time.Clock.SYSTEM));
            assertTrue(e.getMessage().contains("is in use by pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        List<Map<String, Object>> beats = new ArrayList<>();
        AuditReader.read(auditFile, r -> {
            if ("daemon.heartbeat".equals(r.get("type"))) beats.add(r);
        });
        assertTrue(beats.size() >= 2 && beats.size() <= 6, beats.size() + " heartbeats in 450 ms at 100 ms");
        assertEquals(100L, ((Number) beats.get(0).get("interval_ms")).longValue());
    }
}
