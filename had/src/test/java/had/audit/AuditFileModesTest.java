package had.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.os.FileModes;
import had.os.GroupDatabase;
import had.time.ManualClock;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What had creates for its audit log gets had's modes whatever the umask it was started with:
 * directories 0750, files 0640, in the had group when there is one. What exists keeps its mode.
 */
class AuditFileModesTest {
    /** The process's umask: the JDK has no call for it. */
    public interface Umask {
        int umask(int mask);
    }

    static final Umask LIBC = LibraryLoader.create(Umask.class).load("c");
    static final boolean ROOT = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    static final AuditLog.Opener PLAIN = FileChannel::open;

    @TempDir
    Path dir;

    /** A group the test may give files: as root another than its own (daemon, gid 1); else its own. */
    long group() throws Exception {
        return ROOT ? 1 : ((Number) Files.getAttribute(dir, "unix:gid")).longValue();
    }

    static String mode(Path p) throws Exception {
        return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 07777);
    }

    static long gid(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:gid")).longValue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 022, 077})
    void everythingItCreatesHasItsModeAndGroupWhateverTheUmask(int umask) throws Exception {
        long gid = group();
        Path state = dir.resolve("var/lib/had");
        Path live = state.resolve("audit.log");
        int old = LIBC.umask(umask);
        try {
            AuditLog.Settings small = new AuditLog.Settings(4096, 0, 0, 4096, 8192);
            try (AuditLog log = new AuditLog(live, new ManualClock(), small, PLAIN, new FileModes(gid))) {
                for (int i = 0; i < 40; i++) log.record(AuditEvent.of("port.link").with("slot", 2).with("i", i).build());
            }
            Files.writeString(live, "{\"v\":1,\"seq\":", StandardOpenOption.APPEND);
            new AuditLog(live, new ManualClock(), small, PLAIN, new FileModes(gid)).close();
        } finally {
            LIBC.umask(old);
        }
        // Rotated and torn files by their names' shape: each shape once, unless their modes differ.
        TreeSet<String> seen = new TreeSet<>();
        for (Path p : List.of(dir.resolve("var"), dir.resolve("var/lib"), state)) {
            seen.add(dir.relativize(p) + "/ " + mode(p) + (gid(p) == gid ? " group" : " NOT IN THE GROUP"));
        }
        try (var files = Files.list(state)) {
            for (Path p : files.toList()) {
                seen.add(p.getFileName().toString().replaceAll("\\d", "N") + " " + mode(p) + (gid(p) == gid ? " group" : " NOT IN THE GROUP"));
            }
        }
        assertEquals("[audit.log 640 group, audit.log.NNNNNNNNTNNNNNN.NNNZ 640 group, audit.log.lock 640 group,"
                + " audit.log.reserve 640 group, audit.log.torn-NNNNNNNNNNNNN 640 group, var/ 750 group, var/lib/ 750 group,"
                + " var/lib/had/ 750 group]", seen.toString());
    }

    @Test
    void whatAlreadyExistsKeepsItsMode() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setAttribute(state, "unix:mode", 0755);
        Path live = Files.writeString(state.resolve("audit.log"), "");
        Files.setAttribute(live, "unix:mode", 0644);
        try (AuditLog log = new AuditLog(live, new ManualClock(), AuditLog.Settings.DEFAULT, PLAIN,
                new FileModes(group()))) {
            log.record(AuditEvent.of("test").build());
        }
        assertEquals("755", mode(state));
        assertEquals("644", mode(live));
        assertEquals("640", mode(state.resolve("audit.log.lock")), "what it created itself");
    }

    @Test
    void theGroupIsHadsWhereItExistsAndNoneIsForcedWhereItDoesNot() throws Exception {
        long gid = group();
        GroupDatabase withHad = name -> name.equals("had") ? Optional.of(new GroupDatabase.Entry(gid, List.of())) : Optional.empty();
        Path a = dir.resolve("a");
        FileModes.standard(withHad).createDirectories(a);
        assertEquals(gid, gid(a));
        assertEquals("750", mode(a));

        long own = gid(dir);
        Path b = dir.resolve("b");
        FileModes.standard(name -> Optional.empty()).createDirectories(b);
        assertEquals(own, gid(b), "no had group: the daemon's own");
        assertEquals("750", mode(b));

        Path c = dir.resolve("c");
        FileModes.standard(name -> {
            throw new IllegalStateException("no group database");
        }).createDirectories(c);
        assertEquals("750", mode(c), "a group database that fails costs the group, never the mode");
        assertTrue(Files.isDirectory(c));
    }
}
