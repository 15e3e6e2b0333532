package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditReader;
import had.backplane.bridge.SimChassisControl;
import had.config.ConfigLoader;
import had.config.LoadResult;
import had.core.Outcome;
import had.core.Settings;
import had.core.SlotState;
import had.sim.DemoScenario;
import had.sim.SimulatedChassis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * had stopped (SIGTERM: systemctl stop) while a card's extraction is in its quiesce window: the
 * traffic has already moved, so had takes the card the rest of the way out before it stops.
 */
class StopDuringExtractionTest {
    private static final long QUIESCE_MS = 1500;

    @TempDir
    Path dir;

    @Test
    void aStopInTheQuiesceWindowFinishesTheExtractionFirst() throws Exception {
        LoadResult loaded = new ConfigLoader().load(Path.of("conf/had.conf"), Path.of("conf/pcidrivers.conf"));
        SimulatedChassis chassis = SimulatedChassis.start(loaded.config(), new Settings(10_000, QUIESCE_MS),
                dir.resolve("run"), dir.resolve("audit.log"));
        Outcome accepted;
        try {
            try (SimChassisControl ctl = SimChassisControl.connect(chassis.controlSocket())) {
                ctl.insert(2, DemoScenario.CARD, 2);
                ctl.insert(12, DemoScenario.CARD, 2);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(state(chassis, 2) == SlotState.ACTIVE && state(chassis, 12) == SlotState.ACTIVE
                    && chassis.network().read().bond("bond0").slaves().size() == 4)) {
                assertTrue(System.nanoTime() < deadline, "slots 2 and 12 in service");
                Thread.sleep(10);
            }
            accepted = chassis.daemon().loop().call(c -> c.requestExtraction(12, false, "test")).get(5, TimeUnit.SECONDS);
            assertEquals(Outcome.Kind.ACCEPTED, accepted.kind(), accepted.text());
            assertEquals(SlotState.EXTRACTING, state(chassis, 12), "in its quiesce window when the stop comes");
        } finally {
            chassis.close();
        }
        List<Map<String, Object>> records = new ArrayList<>();
        AuditReader.read(dir.resolve("audit.log"), records::add);
        int powerOff = index(records, r -> "slot.power".equals(r.get("type")) && slot12(r) && Boolean.FALSE.equals(r.get("on")));
        int safe = index(records, r -> "slot.state".equals(r.get("type")) && slot12(r) && "SAFE_TO_REMOVE".equals(r.get("to")));
        int stop = index(records, r -> "daemon.stop".equals(r.get("type")));
        assertTrue(stop > 0, "the stop is on record");
        assertTrue(powerOff > 0 && powerOff < stop, "slot 12 powered off before the stop (" + powerOff + ", " + stop + ")");
        assertTrue(safe > powerOff && safe < stop, "slot 12 SAFE_TO_REMOVE before the stop (" + safe + ", " + stop + ")");
    }

    private static boolean slot12(Map<String, Object> r) {
        return r.get("slot") instanceof Number n && n.intValue() == 12;
    }

    private static int index(List<Map<String, Object>> records, java.util.function.Predicate<Map<String, Object>> p) {
        for (int i = 0; i < records.size(); i++) if (p.test(records.get(i))) return i;
        return -1;
    }

    private static SlotState state(SimulatedChassis chassis, int slot) throws Exception {
        return chassis.daemon().loop().call(c -> c.slotView(slot).state()).get(5, TimeUnit.SECONDS);
    }
}
