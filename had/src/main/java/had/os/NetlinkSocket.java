package had.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A netlink socket to the kernel, used as request and answer: {@link #dump} and {@link #call}
 * send one message and return what the kernel answered to it (every part of a dump, or nothing
 * for an acknowledged change), or throw the kernel's refusal with its extended-ack text when the kernel
 * gives one ("Error: ..." in iproute2's words). Requests are serialised; a reply to an earlier
 * request that timed out is recognised by its sequence number and dropped.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;

    /** Flags of a request that creates something, and refuses to when it exists (as iproute2's "add"). */
    public static final short NLM_F_EXCL = 0x200;
    public static final short NLM_F_CREATE = 0x400;

    private static final int NLMSG_HDRLEN = 16;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_MULTI = 0x2;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_DUMP = 0x300;

    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short NLM_F_DUMP_INTR = 0x10;
    private static final short NLM_F_ACK_TLVS = 0x200;
    private static final short NLMSGERR_ATTR_MSG = 1;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int RECV_BUFFER = 64 * 1024;
    /** The kernel answers at once; a silent one is a bug to report, not to wait for forever. */
    private static final int ANSWER_TIMEOUT_S = 5;

    private final int fd;
    private final Pointer in;
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
        this.in = Memory.allocateDirect(Runtime.getSystemRuntime(), RECV_BUFFER);
    }

    /** A socket of the given netlink family (NETLINK_ROUTE...), bound to no multicast group. */
    public static NetlinkSocket open(int protocol) throws IOException {
        LibC c = LibC.get();
        int fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) throw new IOException(LibC.describe("socket(AF_NETLINK, " + protocol + ")"));
        NetlinkSocket s = new NetlinkSocket(fd);
        try {
            Pointer sa = zeroed(12);
            sa.putShort(0, (short) AF_NETLINK);
            if (c.bind(fd, sa, 12) != 0) throw new IOException(LibC.describe("bind(AF_NETLINK)"));
            Pointer tv = zeroed(16);
            tv.putLong(0, ANSWER_TIMEOUT_S);
            if (c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0) {
                throw new IOException(LibC.describe("setsockopt(SO_RCVTIMEO)"));
            }
            // Best effort: kernels before 4.12 have no extended acks, and the errno alone still says what failed.
            Pointer one = zeroed(4);
            one.putInt(0, 1);
            c.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one, 4);
            c.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * A dump: sends {@code request} (a whole message, NLM_F_DUMP added here) and returns every
     * message of the answer up to NLMSG_DONE, each as a buffer holding one message from its header.
     *
     * @throws NetlinkError when the kernel refused the request
     * @throws IOException when the socket failed or the kernel did not answer
     */
    public List<ByteBuffer> dump(ByteBuffer request) throws IOException {
        return exchange(request, Kind.DUMP);
    }

    /**
     * A change: sends {@code request} (NLM_F_ACK added here) and returns once the kernel
     * acknowledged it.
     *
     * @throws NetlinkError when the kernel refused the change, with its words
     * @throws IOException when the socket failed or the kernel did not answer
     */
    public void call(ByteBuffer request) throws IOException {
        exchange(request, Kind.CALL);
    }

    /**
     * A question about one object (RTM_GETLINK of one index...): sends {@code request} and returns
     * the kernel's one message of answer.
     *
     * @throws NetlinkError when the kernel refused the request (no such device...)
     * @throws IOException when the socket failed or the kernel did not answer
     */
    public ByteBuffer get(ByteBuffer request) throws IOException {
        List<ByteBuffer> answer = exchange(request, Kind.GET);
        if (answer.isEmpty()) throw new IOException("the kernel sent no answer to a netlink request");
        return answer.get(0);
    }

    private enum Kind { DUMP, CALL, GET }

    /** Length, flags, sequence number and port are filled in here. */
    private synchronized List<ByteBuffer> exchange(ByteBuffer request, Kind kind) throws IOException {
        boolean dump = kind == Kind.DUMP;
        if (closed) throw new IOException("netlink socket closed");
        int mySeq = ++seq;
        ByteBuffer req = request.duplicate().order(ByteOrder.nativeOrder());
        int len = req.limit();
        req.putInt(0, len);
        short asked = switch (kind) {
            case DUMP -> NLM_F_DUMP;
            case CALL -> NLM_F_ACK;
            case GET -> 0; // the answer itself says it was done: no acknowledgement after it
        };
        req.putShort(6, (short) (req.getShort(6) | NLM_F_REQUEST | asked));
        req.putInt(8, mySeq);
        req.putInt(12, 0);
        Pointer out = Memory.allocateDirect(Runtime.getSystemRuntime(), len);
        byte[] bytes = new byte[len];
        req.get(0, bytes);
        out.put(0, bytes, 0, len);
        Pointer kernel = zeroed(12);
        kernel.putShort(0, (short) AF_NETLINK);
        LibC c = LibC.get();
        long sent;
        do {
            sent = c.sendto(fd, out, len, 0, kernel, 12);
        } while (sent < 0 && LibC.errno() == EINTR);
        if (sent < 0) throw new IOException(LibC.describe("netlink sendto"));

        List<ByteBuffer> answer = new ArrayList<>();
        while (true) {
            long n = c.recv(fd, in, RECV_BUFFER, 0);
            if (n < 0) {
                int e = LibC.errno();
                if (e == EINTR) continue;
                if (e == EAGAIN) throw new IOException("the kernel did not answer a netlink request within " + ANSWER_TIMEOUT_S + " s");
                throw new IOException(LibC.describe("netlink recv"));
            }
            byte[] data = new byte[(int) n];
            in.get(0, data, 0, data.length);
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
            for (int off = 0; off + NLMSG_HDRLEN <= data.length; ) {
                int mlen = b.getInt(off);
                if (mlen < NLMSG_HDRLEN || off + mlen > data.length) throw new IOException("malformed netlink message from the kernel");
                short type = b.getShort(off + 4);
                short flags = b.getShort(off + 6);
                int mseq = b.getInt(off + 8);
                ByteBuffer msg = b.slice(off, mlen).order(ByteOrder.nativeOrder());
                off += align(mlen);
                if (mseq != mySeq) continue; // the late answer to an earlier request
                if (type == NLMSG_ERROR) {
                    int errno = -msg.getInt(NLMSG_HDRLEN);
                    if (errno == 0) return answer;
                    throw error(msg, errno, flags);
                }
                if (type == NLMSG_DONE) {
                    int errno = mlen >= NLMSG_HDRLEN + 4 ? -msg.getInt(NLMSG_HDRLEN) : 0;
                    if (errno > 0) throw error(msg, errno, flags);
                    if ((flags & NLM_F_DUMP_INTR) != 0) throw new NetlinkError(EINTR, "the kernel's table changed during the dump; read it again");
                    return answer;
                }
                answer.add(msg);
                if (!dump && (flags & NLM_F_MULTI) == 0) return answer;
            }
        }
    }

    /** The errno's text, and the kernel's own message after it when it sent one. */
    private static NetlinkError error(ByteBuffer msg, int errno, short flags) {
        String text = LibC.get().strerror(errno);
        if ((flags & NLM_F_ACK_TLVS) != 0 && msg.limit() >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) {
            // With NETLINK_CAP_ACK the request comes back as its header only.
            int off = NLMSG_HDRLEN + 4 + NLMSG_HDRLEN;
            while (off + 4 <= msg.limit()) {
                int alen = Short.toUnsignedInt(msg.getShort(off));
                int atype = msg.getShort(off + 2) & 0x3fff;
                if (alen < 4 || off + alen > msg.limit()) break;
                if (atype == NLMSGERR_ATTR_MSG) {
                    int end = off + 4;
                    while (end < off + alen && msg.get(end) != 0) end++;
                    byte[] s = new byte[end - off - 4];
                    msg.get(off + 4, s);
                    text = text + " (" + new String(s, StandardCharsets.UTF_8) + ")";
                    break;
                }
                off += align(alen);
            }
        }
        return new NetlinkError(errno, text);
    }

    /** Messages and attributes start on 4-byte boundaries (NLMSG_ALIGN, NLA_ALIGN). */
    public static int align(int n) {
        return (n + 3) & ~3;
    }

    private static Pointer zeroed(int size) {
        Pointer p = Memory.allocateDirect(Runtime.getSystemRuntime(), size);
        for (int i = 0; i < size; i++) p.putByte(i, (byte) 0);
        return p;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.get().close(fd);
    }
}
