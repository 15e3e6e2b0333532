package had.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drill's physical steps handed to a program: its arguments, its verdict, its time limit. */
class CommandPerformerTest {
    @TempDir
    Path dir;

    private Path program(String body) throws Exception {
        Path p = dir.resolve("hands");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void eachStepIsTheProgramRunWithTheDrillsOwnWords() throws Exception {
        Path log = dir.resolve("steps");
        CommandPerformer hands = new CommandPerformer(program("echo \"$*\" >> '" + log + "'"));
        hands.insert(new Drill.Insert(12, 0x8086, 0x10d3, -1, -1, 2));
        hands.insert(new Drill.Insert(3, 0x8086, 0x100e, 0x15d9, 0x0a0b, 1));
        hands.handle(12, true);
        hands.handle(12, false);
        hands.remove(12, true);
        hands.remove(2, false);
        hands.link(2, 0, false);
        hands.link(2, 1, true);
        hands.path(2, 0, false);
        hands.path(16, 0, true);
        assertEquals(List.of("insert 12 8086:10d3 2", "insert 3 8086:100e:15d9:0a0b 1", "handle 12 open", "handle 12 close",
                "pull 12", "yank 2", "link 2 0 down", "link 2 1 up", "path 2 0 down", "path 16 0 up"), Files.readAllLines(log));
        assertTrue(hands.name().contains(dir.resolve("hands").toString()), hands.name());
    }

    @Test
    void aProgramThatFailsFailsTheStepWithItsLastLine() throws Exception {
        CommandPerformer hands = new CommandPerformer(program("echo 'looking for a card'; echo 'this lab has no card 8086:1234' >&2; exit 3"));
        StepFailed e = assertThrows(StepFailed.class, () -> hands.insert(new Drill.Insert(2, 0x8086, 0x1234, -1, -1, 2)));
        assertTrue(e.getMessage().endsWith("insert 2 8086:1234 2: exit status 3: this lab has no card 8086:1234"), e.getMessage());
    }

    @Test
    void aProgramThatNeverAnswersIsKilledAndFailsTheStep() throws Exception {
        Path pid = dir.resolve("pid");
        CommandPerformer hands = new CommandPerformer(program("echo $$ > '" + pid + "'; echo 'pressing the button'; sleep 60"),
                Duration.ofMillis(500));
        StepFailed e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(StepFailed.class, () -> hands.handle(2, true)));
        assertTrue(e.getMessage().contains("handle 2 open: no answer within 0.50 s (killed): pressing the button"), e.getMessage());
        long p = Long.parseLong(Files.readString(pid).strip());
        assertTrue(ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true), "the program was killed");
    }

    @Test
    void aProgramThatTalksALotStillEnds() throws Exception {
        CommandPerformer hands = new CommandPerformer(program("i=0; while [ $i -lt 4000 ]; do echo \"line $i of what a chatty robot says\"; i=$((i+1)); done; exit 1"));
        StepFailed e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(StepFailed.class, () -> hands.link(2, 0, false)));
        assertTrue(e.getMessage().endsWith("exit status 1: line 3999 of what a chatty robot says"), e.getMessage());
    }
}
