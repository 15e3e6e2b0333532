package had.os;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls had makes itself, for sockets the JDK does not offer (Unix datagrams for
 * sd_notify, netlink for the kernel's network configuration), for a signal disposition the JVM
 * will not change (see {@link SignalDisposition}) and for the user database's numbers (see
 * {@link UserDatabase}). Loaded once, on first use.
 */
public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, Pointer addr, int len);

    @SaveError
    int setsockopt(int fd, int level, int name, Pointer value, int len);

    @SaveError
    @ssize_t long sendto(int fd, Pointer buf, @size_t long len, int flags, Pointer addr, int addrlen);

    @SaveError
    @ssize_t long recv(int fd, Pointer buf, @size_t long len, int flags);

    @SaveError
    int poll(Pointer fds, long nfds, int timeoutMs);

    @SaveError
    int if_nametoindex(String name);

    int close(int fd);

    /** getpwnam_r(3): 0 (then {@code *result} is the entry, or NULL when there is none) or an errno. */
    int getpwnam_r(String name, Pointer pwd, Pointer buf, @size_t long buflen, Pointer result);

    /** getgrnam_r(3): as {@link #getpwnam_r}. */
    int getgrnam_r(String name, Pointer grp, Pointer buf, @size_t long buflen, Pointer result);

    /** signal(2): the previous disposition, or -1 (SIG_ERR). Handlers 0 (SIG_DFL) and 1 (SIG_IGN) only. */
    @SaveError
    @intptr_t long signal(int signum, @intptr_t long handler);

    String strerror(int errnum);

    /** The process's libc. */
    static LibC get() {
        return Holder.LIBC;
    }

    /** errno of the calling thread's last {@code @SaveError} call. */
    static int errno() {
        return Runtime.getSystemRuntime().getLastError();
    }

    /** "what: strerror (errno N)" for the last failed call. */
    static String describe(String what) {
        int errno = errno();
        return what + ": " + get().strerror(errno) + " (errno " + errno + ")";
    }

    /** Lazy and thread-safe: the class initialiser runs once. */
    final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

        private Holder() {
        }
    }
}
