package had.ctl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hadctl drill's command line: a --performer that cannot be run is a usage error, before anything is done. */
class DrillCommandTest {
    @TempDir
    Path dir;

    @Test
    void aProgramThatIsNotThereOrNotExecutableIsAUsageError() throws Exception {
        HadCtl.UsageException missing = assertThrows(HadCtl.UsageException.class,
                () -> DrillCommand.performerProgram(dir.resolve("nope").toString()));
        assertTrue(missing.getMessage().contains("nope: no such program"), missing.getMessage());
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        HadCtl.UsageException notExec = assertThrows(HadCtl.UsageException.class, () -> DrillCommand.performerProgram(plain.toString()));
        assertTrue(notExec.getMessage().contains("plain: not executable"), notExec.getMessage());
        assertThrows(HadCtl.UsageException.class, () -> DrillCommand.performerProgram(""));
    }
}
