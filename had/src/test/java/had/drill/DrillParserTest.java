package had.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillParserTest {
    private static DrillParser.Result parse(String text) {
        return DrillParser.parse("d.drill", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyStepAndCondition() {
        DrillParser.Result r = parse("""
                # a comment
                insert 2 8086:10d3 2   # trailing comment
                insert 3 8086:10d3:1028:0001 1
                handle 2 open
                handle 2 close
                pull 2
                yank 12
                link 2 0 down
                link 2 1 up
                extract 2
                extract 2 force
                extract 2 refused
                cancel 2
                power 2 on
                sleep 500ms
                wait slot 2 is safe_to_remove within 10s
                expect slot 2 attention is on
                expect slot 2 led is off
                expect bond bond0 has >= 1 working slave
                expect bond bond0 active is slot 12 port 1
                expect bond bond0 is degraded
                expect no outage on bond0 since step 3
                expect outage on bond0 since start
                wait address 10.0.2.1 is up within 2m
                """);
        assertEquals(List.of(), r.errors());
        List<Drill.Step> s = r.drill().steps();
        assertEquals(23, s.size());
        assertEquals(new Drill.Insert(2, 0x8086, 0x10d3, -1, -1, 2), s.get(0).action());
        assertEquals(2, s.get(0).line());
        assertEquals("insert 2 8086:10d3 2", s.get(0).text());
        assertEquals(new Drill.Insert(3, 0x8086, 0x10d3, 0x1028, 1, 1), s.get(1).action());
        assertEquals(new Drill.Remove(2, true), s.get(4).action());
        assertEquals(new Drill.Remove(12, false), s.get(5).action());
        assertEquals(new Drill.Extract(2, false, true), s.get(10).action());
        assertEquals(new Drill.Sleep(500), s.get(13).action());
        assertEquals(new Drill.Wait(new Drill.SlotIs("slot 2 is safe_to_remove", 2, "SAFE_TO_REMOVE"), 10_000), s.get(14).action());
        assertEquals(new Drill.Expect(new Drill.BondWorking("bond bond0 has >= 1 working slave", "bond0", ">=", 1)), s.get(17).action());
        assertEquals(new Drill.Expect(new Drill.Outage("no outage on bond0 since step 3", true, "bond0", 3)), s.get(20).action());
        assertEquals(new Drill.Expect(new Drill.Outage("outage on bond0 since start", false, "bond0", 0)), s.get(21).action());
        assertEquals(new Drill.Wait(new Drill.AddressIs("address 10.0.2.1 is up", "10.0.2.1", true), 120_000), s.get(22).action());
        assertEquals(64, r.drill().sha256().length());
    }

    @Test
    void everyErrorIsReportedWithItsLine() {
        DrillParser.Result r = parse("""
                insert 2 8086:10d3
                insert 2 80x6:10d3 2
                insert 22 8086:10d3 2
                handle 2 ajar
                link 2 9 down
                extract 2 gently
                power 2 off
                wait slot 2 is ACTIVE
                wait slot 2 is ACTIVE within 10 s
                wait slot 2 is ACTIVE within 0s
                expect slot 2 is GONE
                expect bond bond0 has ~ 1 working slaves
                expect bond bond0 active is slot 2
                expect no outage on bond0 since step 14
                expect no outage on bond0 since step 13
                expect the unexpected
                jump 3
                sleep forever
                """);
        assertEquals(List.of(
                "d.drill:1: expected: insert SLOT VVVV:DDDD[:SVVV:SDDD] PORTS",
                "d.drill:2: '80x6:10d3' is not a card's PCI ids (VVVV:DDDD or VVVV:DDDD:SVVV:SDDD, hex)",
                "d.drill:3: slot 22 is out of range (1..21)",
                "d.drill:4: 'ajar': expected open or close",
                "d.drill:5: port 9 is out of range (0..7)",
                "d.drill:6: 'gently': expected force or refused (extract SLOT [force|refused])",
                "d.drill:7: 'off': had powers a slot off only by extracting its card; expected: power SLOT on",
                "d.drill:8: expected: wait CONDITION within DURATION",
                "d.drill:9: expected: wait CONDITION within DURATION",
                "d.drill:10: a wait needs a time limit above 0",
                "d.drill:11: 'GONE' is not a slot state (ACTIVE, EMPTY, EXTRACTING, FAILED, IGNORED, INSERTING, SAFE_TO_REMOVE)",
                "d.drill:12: '~' is not a comparison (>=, <=, ==, >, <)",
                "d.drill:13: expected: bond B active is slot N port M",
                "d.drill:14: step 14 has not run yet: this is step 14 (since step K names an earlier step, or since start)",
                "d.drill:16: unknown condition 'the unexpected' (conditions: slot ..., bond ..., [no] outage on ..., address ...)",
                "d.drill:17: unknown step 'jump' (steps: insert, handle, yank, pull, link, path, aer, extract, cancel, admit, clear, power, wait, expect, sleep)",
                "d.drill:18: 'forever' is not a duration (e.g. 500ms, 10s, 2m)"), r.errors());
    }

    @Test
    void anEmptyDrillIsAnError() {
        assertEquals(List.of("d.drill:1: no steps: a drill needs at least one step"), parse("# nothing\n\n").errors());
    }

    @Test
    void everyShippedDrillParses() throws Exception {
        try (var files = Files.list(Path.of("conf/drills"))) {
            List<Path> drills = files.filter(f -> f.toString().endsWith(".drill")).sorted().toList();
            assertEquals(9, drills.size());
            for (Path f : drills) {
                DrillParser.Result r = DrillParser.parse(f.toString(), Files.readAllBytes(f));
                assertEquals(List.of(), r.errors(), f.toString());
                assertTrue(Files.readString(f).contains("Proves:"), f + " says what it proves");
            }
        }
    }

    @Test
    void withoutAnOperatorAPhysicalStepFailsSaying() {
        OperatorPrompt p = new OperatorPrompt(new BufferedReader(new StringReader("")), System.out, false);
        StepFailed e = org.junit.jupiter.api.Assertions.assertThrows(StepFailed.class, () -> p.handle(2, true));
        assertEquals("slot 2: open the handle: this step needs an operator at the chassis (had runs on a real chassis);"
                + " run the drill from a terminal, without --non-interactive", e.getMessage());
    }

    @Test
    void theOperatorIsPromptedAndAnswers() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        OperatorPrompt p = new OperatorPrompt(new BufferedReader(new StringReader("\nn\n")),
                new PrintStream(shown, true, StandardCharsets.UTF_8), true);
        p.handle(2, true);
        assertTrue(shown.toString(StandardCharsets.UTF_8).startsWith("slot 2: open the handle now, then press Enter"));
        StepFailed e = org.junit.jupiter.api.Assertions.assertThrows(StepFailed.class, () -> p.remove(2, true));
        assertEquals("slot 2: pull the card out (its blue LED is lit): the operator could not do it", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(StepFailed.class, () -> p.link(2, 0, false));
        assertTrue(e.getMessage().endsWith("no answer (end of input)"), e.getMessage());
    }
}
