package had.os;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The system's user and group database (getpwnam_r, getgrnam_r: whatever NSS is configured), read
 * through the small libc binding had loads anyway. Not jnr-posix: its initialisation alone adds
 * some 12 MiB to had's resident memory, paid at the first control connection, out of a 64 MiB
 * budget. The entries are read at glibc's layout of {@code struct passwd} and {@code struct group}:
 * two pointers, then the id(s), then (group) the member list.
 */
public final class UserDatabase {
    private static final int ERANGE = 34;
    private static final int FIRST_BUFFER = 4096;
    private static final int MAX_BUFFER = 1 << 20;

    /** A group's gid and the users listed as its members. */
    public record Group(long gid, List<String> members) {
        public Group {
            members = List.copyOf(members);
        }
    }

    private UserDatabase() {}

    /** The uid of {@code user}; empty when the database has no such user (or cannot be read). */
    public static OptionalLong uid(String user) {
        int a = Runtime.getSystemRuntime().addressSize();
        Optional<Long> uid = lookup(user, true, pwd -> pwd.getInt(2L * a) & 0xffffffffL);
        return uid.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The group called {@code name}; empty when there is none (or the database cannot be read). */
    public static Optional<Group> group(String name) {
        int a = Runtime.getSystemRuntime().addressSize();
        return lookup(name, false, grp -> {
            long gid = grp.getInt(2L * a) & 0xffffffffL;
            long memOffset = (2L * a + 4 + a - 1) / a * a; // gr_mem, after gr_gid, pointer-aligned
            List<String> members = new ArrayList<>();
            Pointer mem = grp.getPointer(memOffset);
            for (int i = 0; mem != null; i++) {
                Pointer m = mem.getPointer((long) i * a);
                if (m == null) break;
                members.add(m.getString(0));
            }
            return new Group(gid, members);
        });
    }

    /**
     * A thread's buffers, kept: memory allocated per lookup is freed only when the collector
     * finds its Pointer, and a burst of control connections (two lookups each) would pile up
     * megabytes of it in an idle heap that is rarely collected.
     */
    private static final class Buffers {
        final Pointer entry;
        final Pointer result;
        Pointer strings;
        int size = FIRST_BUFFER;

        Buffers(Runtime rt) {
            entry = Memory.allocateDirect(rt, 16L * rt.addressSize());
            result = Memory.allocateDirect(rt, rt.addressSize());
            strings = Memory.allocateDirect(rt, size);
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(() -> new Buffers(Runtime.getSystemRuntime()));

    /** {@code read} applied to the entry, read before the thread's buffers are used again. */
    private static <T> Optional<T> lookup(String name, boolean user, Function<Pointer, T> read) {
        Buffers b = BUFFERS.get();
        while (true) {
            int rc = user ? LibC.get().getpwnam_r(name, b.entry, b.strings, b.size, b.result)
                    : LibC.get().getgrnam_r(name, b.entry, b.strings, b.size, b.result);
            if (rc == ERANGE && b.size < MAX_BUFFER) { // a group with many members: a larger buffer
                b.size *= 2;
                b.strings = Memory.allocateDirect(Runtime.getSystemRuntime(), b.size);
                continue;
            }
            if (rc != 0 || b.result.getPointer(0) == null) return Optional.empty();
            return Optional.of(read.apply(b.entry));
        }
    }
}
