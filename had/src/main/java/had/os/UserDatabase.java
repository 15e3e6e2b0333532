package had.os;

import java.lang.ref.Reference;
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

    /** {@code read} applied to the entry, while the buffer its strings are in is still held. */
    private static <T> Optional<T> lookup(String name, boolean user, Function<Pointer, T> read) {
        Runtime rt = Runtime.getSystemRuntime();
        for (int size = FIRST_BUFFER; size <= MAX_BUFFER; size *= 2) {
            Pointer entry = Memory.allocateDirect(rt, 16L * rt.addressSize());
            Pointer buf = Memory.allocateDirect(rt, size);
            Pointer result = Memory.allocateDirect(rt, rt.addressSize());
            int rc = user ? LibC.get().getpwnam_r(name, entry, buf, size, result)
                    : LibC.get().getgrnam_r(name, entry, buf, size, result);
            if (rc == ERANGE) continue; // a group with many members: a larger buffer
            try {
                if (rc != 0 || result.getPointer(0) == null) return Optional.empty();
                return Optional.of(read.apply(entry));
            } finally {
                Reference.reachabilityFence(buf); // freed with its Pointer: not before the strings are read
            }
        }
        return Optional.empty();
    }
}
