package had.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's word on an ignored signal, read from a status file of the /proc format. */
class SignalDispositionTest {
    @TempDir
    Path dir;

    private Optional<Boolean> ignored(String status, int signo) throws Exception {
        Path f = dir.resolve("status");
        Files.writeString(f, status);
        return SignalDisposition.ignored(f, signo);
    }

    @Test
    void readsTheSignalsBitFromSigIgn() throws Exception {
        String nohup = "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000001\nSigCgt:\t2000000181005ccf\n";
        assertEquals(Optional.of(true), ignored(nohup, 1));
        assertEquals(Optional.of(false), ignored(nohup, 15));
        assertEquals(Optional.of(true), ignored("SigIgn:\t8000000000000000\n", 64));
        assertEquals(Optional.of(false), ignored("SigIgn:\t0000000000000000\n", 1));
    }

    @Test
    void saysNothingWhenItCannotTell() throws Exception {
        assertEquals(Optional.empty(), ignored("Name:\tjava\n", 1));
        assertEquals(Optional.empty(), ignored("SigIgn:\tnot hex\n", 1));
        assertEquals(Optional.empty(), SignalDisposition.ignored(dir.resolve("absent"), 1));
    }

    @Test
    void thisProcessHasAStatus() {
        assertEquals(true, SignalDisposition.ignored(15).isPresent());
    }
}
