package had.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A Unix datagram socket through libc, for what the JDK's Unix-domain channels do not do
 * (they are stream-only): sd_notify's datagrams to systemd. An address starting with '@' is in
 * the abstract namespace, as systemd writes it in NOTIFY_SOCKET. Linux only.
 */
public final class UnixDatagram implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final short POLLIN = 1;
    private static final int SUN_PATH = 108;
    private static final int EINTR = 4;

    private final int fd;
    private boolean closed;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    /** An unbound datagram socket, enough to send. */
    public static UnixDatagram open() throws IOException {
        int fd = LibC.get().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw error("socket(AF_UNIX, SOCK_DGRAM)");
        return new UnixDatagram(fd);
    }

    /** A datagram socket bound to {@code address} (a path, or '@name' in the abstract namespace). */
    public static UnixDatagram bind(String address) throws IOException {
        UnixDatagram s = open();
        Pointer sa = sockaddr(address);
        if (LibC.get().bind(s.fd, sa, length(address)) != 0) {
            IOException e = error("bind " + address);
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Sends one datagram to {@code address}, never waiting: when the receiver's queue is full the
     * datagram is refused (EAGAIN) rather than the sender blocked.
     */
    public void send(String address, String message) throws IOException {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), Math.max(1, b.length));
        buf.put(0, b, 0, b.length);
        long n = LibC.get().sendto(fd, buf, b.length, MSG_NOSIGNAL | MSG_DONTWAIT, sockaddr(address), length(address));
        if (n < 0) throw error("sendto " + address);
    }

    /** The next datagram as text, or null when none arrives within {@code timeoutMs}. */
    public String receive(int timeoutMs) throws IOException {
        Runtime rt = Runtime.getSystemRuntime();
        Pointer pfd = Memory.allocateDirect(rt, 8);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            pfd.putInt(0, fd);
            pfd.putShort(4, POLLIN);
            pfd.putShort(6, (short) 0);
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            int r = LibC.get().poll(pfd, 1, left);
            if (r < 0 && rt.getLastError() == EINTR) continue;
            if (r < 0) throw error("poll");
            if (r == 0) return null;
            break;
        }
        Pointer buf = Memory.allocateDirect(rt, 65536);
        long n = LibC.get().recv(fd, buf, 65536, 0);
        if (n < 0) throw error("recv");
        byte[] b = new byte[(int) n];
        buf.get(0, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.get().close(fd);
    }

    private static Pointer sockaddr(String address) {
        byte[] path = pathBytes(address);
        Pointer sa = Memory.allocateDirect(Runtime.getSystemRuntime(), 2 + SUN_PATH);
        for (int i = 0; i < 2 + SUN_PATH; i++) sa.putByte(i, (byte) 0);
        sa.putShort(0, (short) AF_UNIX);
        sa.put(2, path, 0, path.length);
        return sa;
    }

    /** The address length: an abstract name counts exactly its bytes, a path its terminating NUL too. */
    private static int length(String address) {
        byte[] path = pathBytes(address);
        return 2 + path.length + (address.startsWith("@") ? 0 : 1);
    }

    private static byte[] pathBytes(String address) {
        if (address.isEmpty()) throw new IllegalArgumentException("empty socket address");
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        if (address.startsWith("@")) path[0] = 0;
        if (path.length + (address.startsWith("@") ? 0 : 1) > SUN_PATH) {
            throw new IllegalArgumentException("socket address longer than " + (SUN_PATH - 1) + " bytes: " + address);
        }
        return path;
    }

    private static IOException error(String what) {
        return new IOException(LibC.describe(what));
    }
}
