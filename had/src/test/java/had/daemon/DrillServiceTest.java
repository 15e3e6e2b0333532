package had.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditVerify;
import had.core.SlotState;
import had.network.sim.ChangeLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hadctl drill against had on the simulated chassis with the shipped configuration, its cards in
 * slots 2, 12 and 16 as `make run` leaves them: every shipped drill passes, a failing one exits 1
 * with its failure on record, and the log with the drill's records still verifies.
 */
class DrillServiceTest {
    @TempDir
    Path dir;

    private ServiceFixture start() throws Exception {
        ServiceFixture had = new ServiceFixture(dir, ServiceFixture.shippedConf(), false);
        had.insert(2, 2);
        had.insert(12, 2);
        had.insert(16, 1);
        ServiceFixture.await(() -> state(had, 16) == SlotState.ACTIVE && state(had, 2) == SlotState.ACTIVE
                && state(had, 12) == SlotState.ACTIVE, "slots 2, 12 and 16 are active");
        return had;
    }

    private static SlotState state(ServiceFixture had, int slot) {
        try {
            return had.core(c -> c.slotView(slot).state());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every drill conf/drills ships: a new one is run without being listed here. */
    static java.util.stream.Stream<String> shippedDrills() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(Path.of("conf/drills"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".drill"))
                    .map(n -> n.substring(0, n.length() - ".drill".length())).sorted().toList();
            return names.stream();
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("shippedDrills")
    void shippedDrillPasses(String name) throws Exception {
        try (ServiceFixture had = start()) {
            Path drill = Path.of("conf/drills/" + name + ".drill");
            ServiceFixture.Run r = had.hadctl("drill", drill.toString(), "--non-interactive");
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains(" passed, 0 failed"), r.out());
            List<Map<String, Object>> end = had.audit(m -> "drill.end".equals(m.get("type")));
            assertEquals(1, end.size());
            assertEquals("passed", end.get(0).get("outcome"));
            long steps = had.audit(m -> "drill.step".equals(m.get("type")) || "drill.verdict".equals(m.get("type"))).size();
            assertEquals(had.audit(m -> "drill.start".equals(m.get("type"))).get(0).get("steps"), steps);
            assertEquals(AuditVerify.EXIT_INTACT, verify(had));
            // A drill that ends proving no outage over its whole run: the switch must agree, no
            // frame lost on a port released from bond0 (its active slave handed over first, and
            // kept until the switch learned the new one).
            List<String> lines = Files.readAllLines(drill).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (lines.get(lines.size() - 1).equals("expect no outage on bond0 since start")) {
                assertEquals(List.of(), had.chassis.network().changeLog().losses("bond0").stream()
                        .filter(l -> l.where() == ChangeLog.Loss.Where.RELEASED).toList());
            }
        }
    }

    private static int verify(ServiceFixture had) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return new AuditVerify().run(new String[] {had.chassis.daemon().audit().file().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void aFailingExpectStopsTheRunExitsOneAndIsOnRecord() throws Exception {
        try (ServiceFixture had = start()) {
            Path drill = dir.resolve("fails.drill");
            Files.writeString(drill, """
                    # slot 12's card is pulled without asking: bond0 keeps slot 2's ports
                    yank 12
                    wait slot 12 is EMPTY within 5s
                    expect bond bond0 has >= 3 working slaves
                    insert 12 8086:10d3 2
                    """);
            ServiceFixture.Run r = had.hadctl("drill", drill.toString());
            assertEquals(1, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("2 passed, 1 failed, 1 not run"), r.out());
            assertTrue(r.out().contains("step 3 (line 4): expected bond bond0 has >= 3 working slaves; but bond0 has 2 working slaves"),
                    r.out());
            Map<String, Object> verdict = had.audit(m -> "drill.verdict".equals(m.get("type")) && "failed".equals(m.get("outcome"))).get(0);
            assertEquals(3L, verdict.get("step"));
            assertEquals(4L, verdict.get("line"));
            assertEquals("expect bond bond0 has >= 3 working slaves", verdict.get("text"));
            Map<String, Object> end = had.audit(m -> "drill.end".equals(m.get("type"))).get(0);
            assertEquals("failed", end.get("outcome"));
            assertEquals(3L, end.get("failed_step"));
            assertEquals(2L, end.get("passed"));
            assertEquals(1L, end.get("skipped"));
            assertEquals(had.audit(m -> "drill.start".equals(m.get("type"))).get(0).get("sha256"), end.get("sha256"));
            assertEquals(had.audit(m -> "drill.start".equals(m.get("type"))).get(0).get("drill_run"), end.get("drill_run"));
            assertTrue(had.audit(m -> "drill.step".equals(m.get("type")) && Long.valueOf(4).equals(m.get("step"))).isEmpty(),
                    "the step after the failure is not run");
            assertEquals(SlotState.EMPTY, state(had, 12));
            assertEquals(AuditVerify.EXIT_INTACT, verify(had));
        }
    }

    /**
     * A program does the physical steps: here as the virtual lab does a handle (through had, as
     * the opened handle would), with every call recorded; its failure fails the step, on record.
     */
    @Test
    void aPerformerProgramDoesThePhysicalStepsAndItsFailureIsOnRecord() throws Exception {
        try (ServiceFixture had = start()) {
            Path calls = dir.resolve("calls");
            String hadctl = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '" + System.getProperty("java.class.path")
                    + "' had.ctl.HadCtl --socket '" + had.socket + "'";
            Path hands = dir.resolve("hands");
            Files.writeString(hands, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
                    + "case \"$1 $3\" in\n"
                    + "  'handle open') exec " + hadctl + " extract \"$2\" ;;\n"
                    + "  'handle close') exec " + hadctl + " cancel \"$2\" ;;\n"
                    + "  pull*) exit 0 ;;\n"
                    + "  *) echo \"no hands for $1 here\" >&2; exit 4 ;;\n"
                    + "esac\n");
            Files.setPosixFilePermissions(hands, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path drill = dir.resolve("hands.drill");
            Files.writeString(drill, """
                    handle 12 open
                    wait slot 12 is SAFE_TO_REMOVE within 10s
                    handle 12 close
                    wait slot 12 is ACTIVE within 10s
                    link 2 0 down
                    expect slot 2 is ACTIVE
                    """);
            ServiceFixture.Run r = had.hadctl("drill", drill.toString(), "--performer", hands.toString());
            assertEquals(1, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("4 passed, 1 failed, 1 not run"), r.out());
            assertTrue(r.out().contains("step 5 (line 5): " + hands + " link 2 0 down: exit status 4: no hands for link here"), r.out());
            assertEquals(List.of("handle 12 open", "handle 12 close", "link 2 0 down"), Files.readAllLines(calls));
            assertEquals("program " + hands, had.audit(m -> "drill.start".equals(m.get("type"))).get(0).get("performer"));
            List<String> sources = had.audit(m -> "extraction.requested".equals(m.get("type"))).stream()
                    .map(m -> m.get("slot") + " " + m.get("outcome")).toList();
            assertEquals(List.of("12 accepted"), sources, "the program's handle reached had");
            assertEquals(SlotState.ACTIVE, state(had, 12));
            assertEquals(AuditVerify.EXIT_INTACT, verify(had));
            ServiceFixture.Run missing = had.hadctl("drill", drill.toString(), "--performer", dir.resolve("nobody").toString());
            assertEquals(2, missing.status());
            assertTrue(missing.err().contains("--performer " + dir.resolve("nobody") + ": no such program"), missing.err());
        }
    }

    @Test
    void aDrillWithSyntaxErrorsDoesNothing() throws Exception {
        try (ServiceFixture had = start()) {
            Path drill = dir.resolve("bad.drill");
            Files.writeString(drill, "yank 12\nfly 3\n");
            ServiceFixture.Run r = had.hadctl("drill", drill.toString());
            assertEquals(2, r.status());
            assertTrue(r.err().contains(drill + ":2: unknown step 'fly'"), r.err());
            assertTrue(had.audit(m -> String.valueOf(m.get("type")).startsWith("drill.")).isEmpty());
            assertEquals(SlotState.ACTIVE, state(had, 12));
        }
    }

    @Test
    void hadNotRunningIsExitThree() throws Exception {
        Path drill = dir.resolve("ok.drill");
        Files.writeString(drill, "expect slot 2 is ACTIVE\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = had.ctl.HadCtl.run(new String[] {"drill", drill.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("nobody.sock").toString());
        assertEquals(3, status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsAuditReportAndDrill() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, had.ctl.HadCtl.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err, null));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String c : List.of("  audit verify [FILE...]", "  report [OPTS] [FILE...]", "  drill FILE ")) assertTrue(help.contains(c), help);
    }
}
