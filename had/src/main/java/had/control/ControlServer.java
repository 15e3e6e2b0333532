package had.control;

import had.json.Json;
import had.json.JsonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * had's control socket: a Unix stream socket served by one thread of its own with a selector,
 * never by the core's. Each connection is checked against the {@link AccessPolicy} with the
 * kernel's credentials of the peer before anything is read; then it carries requests, one JSON
 * line each, answered in order.
 *
 * <p>Why one selector thread and not a pool of threads that each serve a connection: a thread
 * blocked on a client that sends nothing, half a line or never reads its answer is a thread no one
 * else gets, so any bounded pool can be filled by that many idle clients (with 4 threads, four were
 * enough to make {@code hadctl status} wait for their idle timeout), and a pool that grows with the
 * clients costs a thread stack each, which 500 held connections would take out of had's memory
 * budget. Here a connection costs about 2 KiB while it waits (500 held: 1.3 MiB of RSS), and the
 * thread only ever waits in {@code select}: every read and write is non-blocking, a request is handed to the
 * {@link Handler}, which must not block either (had's commands go to the core's event loop and
 * come back as a completed stage), and its answer is written back on this thread. So no client's
 * silence, slowness or volume delays another's request by more than the time it takes to serve.
 *
 * <p>Fairness between busy clients: a connection has at most one request being served; the next
 * line it sent waits in its own buffer until the answer has been written (into its socket, not
 * necessarily read), so one client's pipelined requests take turns with everyone else's at the
 * event loop instead of queueing in front of them, and a client that does not read its answers
 * stops being read itself: back-pressure through its own socket. New connections are taken at
 * most {@value #ACCEPTS_PER_TURN} a turn, between the others' reads and writes. The peer's user and
 * group are looked up on this thread (a few microseconds with the local files of a chassis
 * controller; a slow remote directory would delay everybody, and is not what had expects).
 *
 * <p>What protects had itself (had/doc/control-protocol.md, "Limits"): at most
 * {@link Limits#maxConnections} connections; a new one beyond that takes the place of the
 * connection that has waited longest without a request being served (it is told {@code busy}),
 * and is refused only when every place is serving a request. A request line is at most
 * {@link Protocol#MAX_REQUEST_BYTES}. A connection that sends no complete line for
 * {@link Limits#idleTimeoutMs}, or does not take any of its answer for as long, is closed (told
 * {@code timeout} in the first case). A request not answered within {@link Limits#requestTimeoutMs}
 * is told {@code timeout} and its connection goes on; every one of these time limits is this
 * thread's own (its select wakes for the earliest), none another thread's timer, and none waits
 * for had's event loop, which it guards against. Unfinished lines of all connections together are held up
 * to {@link Limits#maxHeldBytes}; past that the connection holding the most is told {@code busy}
 * and closed, so the heap stays bounded whatever the clients do.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    /** Connections accepted in one turn of the loop: a storm of them does not stop the others being served. */
    private static final int ACCEPTS_PER_TURN = 64;
    /** How long accepting pauses when the process is out of file descriptors. */
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** At most one warning about refused or displaced clients this often: an attack must not flood the journal. */
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * What the server serves: one request in, a stage that completes with the result (or with a
     * {@link ControlException}). Called on the control socket's thread: it must not block.
     */
    public interface Handler {
        CompletionStage<?> handle(String cmd, Map<String, Object> request, PeerCredentials peer) throws ControlException;
    }

    /** The limits that protect had from its clients (had/doc/control-protocol.md, "Limits"). */
    public record Limits(int maxConnections, long idleTimeoutMs, long maxHeldBytes, long requestTimeoutMs) {
        public static final int MAX_CONNECTIONS = 1024;
        public static final long IDLE_TIMEOUT_MS = 10_000;
        public static final long MAX_HELD_BYTES = 4L << 20;
        public static final long REQUEST_TIMEOUT_MS = 5_000;

        public Limits {
            if (maxConnections < 1 || idleTimeoutMs < 1 || maxHeldBytes < Protocol.MAX_REQUEST_BYTES + 1 || requestTimeoutMs < 1) {
                throw new IllegalArgumentException("control socket limits out of range: " + maxConnections + " connections, "
                        + idleTimeoutMs + " ms idle, " + maxHeldBytes + " bytes held, " + requestTimeoutMs + " ms a request");
            }
        }

        public Limits(int maxConnections, long idleTimeoutMs, long maxHeldBytes) {
            this(maxConnections, idleTimeoutMs, maxHeldBytes, REQUEST_TIMEOUT_MS);
        }

        public static Limits standard() {
            return new Limits(MAX_CONNECTIONS, IDLE_TIMEOUT_MS, MAX_HELD_BYTES, REQUEST_TIMEOUT_MS);
        }

        public Limits withIdleTimeout(long ms) {
            return new Limits(maxConnections, ms, maxHeldBytes, requestTimeoutMs);
        }

        public Limits withRequestTimeout(long ms) {
            return new Limits(maxConnections, idleTimeoutMs, maxHeldBytes, ms);
        }
    }

    private final Path path;
    private final AccessPolicy policy;
    private final Handler handler;
    private final Limits limits;
    private final long idleNanos;
    private final long requestNanos;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final Thread thread;
    /** Answers completed on other threads, to be written on this server's thread. */
    private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    // Owned by the server's thread:
    private final Set<Conn> conns = new HashSet<>();
    /** Connections with a deadline (waiting for a line, or for the client to take its answer), earliest first. */
    private final LinkedHashSet<Conn> deadlines = new LinkedHashSet<>();
    /** Connections whose request is being served, by when it must be answered, earliest first. */
    private final LinkedHashSet<Conn> requests = new LinkedHashSet<>();
    private long held;
    private long acceptPausedUntil;
    private long lastWarn;
    private int unwarned;
    private volatile boolean closing;

    private ControlServer(Path path, AccessPolicy policy, Handler handler, Limits limits, ServerSocketChannel server)
            throws IOException {
        this.path = path;
        this.policy = policy;
        this.handler = handler;
        this.limits = limits;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMs());
        this.requestNanos = TimeUnit.MILLISECONDS.toNanos(limits.requestTimeoutMs());
        this.server = server;
        this.selector = Selector.open();
        server.configureBlocking(false);
        this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::run, "had-control");
        thread.setDaemon(true);
    }

    /**
     * Binds {@code path} (0660, group {@value AccessPolicy#GROUP} when that group exists) and starts
     * serving. A socket file nobody listens on is a leftover and replaced; one a live process
     * answers on means another had runs, and is an error.
     */
    public static ControlServer start(Path path, AccessPolicy policy, Handler handler, Limits limits) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (!"socket".equals(kind(path))) {
                    throw new IllegalStateException(path + " exists and is not a socket; name another path with --socket");
                }
                if (listening(path)) {
                    throw new IllegalStateException("another had already serves " + path + "; stop it first");
                }
                Files.delete(path);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            // A backlog that holds a burst of connections while the thread is busy elsewhere.
            server.bind(UnixDomainSocketAddress.of(path), 128);
            restrict(path);
            ControlServer s = new ControlServer(path, policy, handler, limits, server);
            s.thread.start();
            log.info("control socket {}", path);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the control socket " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    private static String kind(Path path) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(path,
                java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return a.isOther() ? "socket" : a.isDirectory() ? "directory" : a.isSymbolicLink() ? "link" : "file";
    }

    private static boolean listening(Path path) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void restrict(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        try {
            GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(AccessPolicy.GROUP);
            Files.setAttribute(path, "posix:group", g);
        } catch (UserPrincipalNotFoundException e) {
            log.debug("no group {}: the control socket stays in the daemon's group", AccessPolicy.GROUP);
        } catch (IOException e) {
            log.warn("cannot give {} to group {}: {}", path, AccessPolicy.GROUP, e.getMessage());
        }
    }

    /**
     * A connection's bytes received and not yet taken as requests: one partial line, or lines
     * waiting their turn. Taking a line moves an offset and the search for a newline resumes where
     * it stopped, so neither a buffer of tiny lines nor a line that trickles in a byte at a time
     * costs more than its length. An idle connection holds no array.
     */
    static final class Input {
        private byte[] buf;
        private int start;
        private int end;
        /** buf[start, scanned) holds no newline. */
        private int scanned;

        int size() {
            return end - start;
        }

        /** How many more bytes may come before the line is longer than a request may be. */
        int room() {
            return Protocol.MAX_REQUEST_BYTES + 1 - size();
        }

        void append(ByteBuffer src) {
            int n = src.remaining();
            if (buf == null || end + n > buf.length) {
                int size = size();
                byte[] to = buf != null && size + n <= buf.length ? buf : new byte[Math.min(Protocol.MAX_REQUEST_BYTES + 1, Math.max(512, Integer.highestOneBit(size + n) << 1))];
                if (buf != null) System.arraycopy(buf, start, to, 0, size);
                buf = to;
                scanned -= start;
                start = 0;
                end = size;
            }
            src.get(buf, end, n);
            end += n;
        }

        /** The next complete line, without its newline, taken out; null when there is none yet. */
        String nextLine() {
            for (int i = Math.max(scanned, start); i < end; i++) {
                if (buf[i] != '\n') continue;
                String line = new String(buf, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
                scanned = start;
                if (start == end) clear();
                return line;
            }
            scanned = end;
            return null;
        }

        void clear() {
            buf = null;
            start = end = scanned = 0;
        }
    }

    /** One client connection; touched only on the server's thread. */
    private static final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        PeerCredentials peer;
        final Input in = new Input();
        /** The answer being written, or null. */
        ByteBuffer out;
        boolean closeAfterWrite;
        /** A request of this connection is being served. */
        boolean serving;
        /** Counts the requests served: an answer to one that was told {@code timeout} is dropped. */
        long served;
        long deadline;
        /** When the request being served must be answered. */
        long requestDeadline;
        boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    // ---- the thread ---------------------------------------------------------------------------

    private void run() {
        try {
            while (!closing) {
                selector.select(this::ready, selectTimeoutMs());
                long now = System.nanoTime();
                for (Runnable r; (r = completions.poll()) != null; ) r.run();
                expire(now);
                expireRequests(now);
                if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0) {
                    acceptPausedUntil = 0;
                    acceptKey.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closing) log.error("control socket stopped serving: {}", e.toString());
        } finally {
            for (Conn c : new ArrayList<>(conns)) close(c);
            try {
                server.close();
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Until the earliest deadline: 0 (no deadline) waits until something happens. */
    private long selectTimeoutMs() {
        long next = Long.MAX_VALUE;
        if (!deadlines.isEmpty()) next = deadlines.iterator().next().deadline;
        if (!requests.isEmpty() && requests.iterator().next().requestDeadline - next < 0) {
            next = requests.iterator().next().requestDeadline;
        }
        if (acceptPausedUntil != 0 && acceptPausedUntil - next < 0) next = acceptPausedUntil;
        if (next == Long.MAX_VALUE) return 0;
        long ms = TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1;
        return Math.max(1, ms);
    }

    private void ready(SelectionKey k) {
        long now = System.nanoTime();
        if (k == acceptKey) {
            acceptAll(now);
            return;
        }
        Conn c = (Conn) k.attachment();
        if (c.closed) return;
        try {
            if (c.out != null) flush(c, now);
            else if (!c.serving) read(c, now);
        } catch (IOException | CancelledKeyException e) {
            log.debug("control connection ended: {}", e.toString());
            close(c);
        } catch (RuntimeException e) {
            // A bug must cost one connection, never the socket.
            log.error("control connection dropped after an unexpected error", e);
            close(c);
        }
    }

    private void acceptAll(long now) {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (closing) return;
                // Out of file descriptors, typically: the pending connection stays in the backlog
                // and would wake the selector at once, again and again.
                warn("control socket cannot accept ({}); pausing {} ms", e.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(ACCEPT_PAUSE_NANOS));
                acceptPausedUntil = now + ACCEPT_PAUSE_NANOS;
                if (acceptPausedUntil == 0) acceptPausedUntil = 1;
                acceptKey.interestOps(0);
                return;
            }
            if (ch == null) return;
            try {
                admit(ch, now);
            } catch (IOException | RuntimeException e) {
                log.debug("control connection not admitted: {}", e.toString());
                closeQuietly(ch);
            }
        }
    }

    /** Credentials first: a peer that may not connect must not take anybody's place either. */
    private void admit(SocketChannel ch, long now) throws IOException {
        ch.configureBlocking(false);
        PeerCredentials peer;
        try {
            peer = PeerCredentials.of(ch);
        } catch (IOException | RuntimeException e) {
            tellAndClose(ch, Protocol.error(Protocol.FORBIDDEN, "cannot tell who is connecting: " + e.getMessage(), List.of()));
            return;
        }
        if (!policy.allows(peer)) {
            warn("control connection refused: {} (gid {})", peer.describe(), peer.gid());
            tellAndClose(ch, Protocol.error(Protocol.FORBIDDEN, policy.refusal(peer), List.of()));
            return;
        }
        if (conns.size() >= limits.maxConnections() && !displaceLongestWaiting()) {
            warn("control connection refused: all {} places are serving a request", limits.maxConnections());
            tellAndClose(ch, Protocol.error(Protocol.BUSY, "had is serving " + limits.maxConnections()
                    + " control connections, each with a request in progress; try again", List.of()));
            return;
        }
        Conn c = new Conn(ch);
        c.peer = peer;
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        conns.add(c);
        awaitLine(c, now);
    }

    /** At capacity: the connection that has waited longest makes room, if any is waiting at all. */
    private boolean displaceLongestWaiting() {
        Iterator<Conn> it = deadlines.iterator();
        if (!it.hasNext()) return false;
        Conn oldest = it.next();
        warn("control connection closed to make room: {} places taken", limits.maxConnections());
        if (oldest.out == null) {
            tell(oldest, Protocol.error(Protocol.BUSY, "closed to make room for another client: had keeps at most "
                    + limits.maxConnections() + " control connections and this one had waited longest", List.of()));
        }
        close(oldest);
        return true;
    }

    // ---- reading ------------------------------------------------------------------------------

    private void read(Conn c, long now) throws IOException {
        readBuffer.clear();
        readBuffer.limit(Math.min(readBuffer.capacity(), c.in.room()));
        int n = c.ch.read(readBuffer);
        if (n < 0) {
            close(c); // the client is done; a partial line at its end is not a request
            return;
        }
        if (n == 0) return;
        readBuffer.flip();
        c.in.append(readBuffer);
        held += n;
        if (!nextRequest(c, now) && c.in.room() <= 0) {
            held -= c.in.size();
            c.in.clear();
            c.closeAfterWrite = true;
            answer(c, Protocol.error(Protocol.BAD_REQUEST, "request longer than " + Protocol.MAX_REQUEST_BYTES
                    + " bytes; closing", List.of()), now);
            return;
        }
        if (held > limits.maxHeldBytes()) shed();
    }

    /**
     * Takes the next complete line of {@code c} as its request, if it has one; blank lines are
     * skipped (and count as a sign of life). True when a request was taken.
     */
    private boolean nextRequest(Conn c, long now) {
        while (true) {
            int before = c.in.size();
            String line = c.in.nextLine();
            if (line == null) return false;
            held -= before - c.in.size();
            if (line.isBlank()) {
                awaitLine(c, now);
                continue;
            }
            serve(c, line);
            return true;
        }
    }

    /** Too much unfinished input held: the connection holding the most goes. */
    private void shed() {
        while (held > limits.maxHeldBytes()) {
            Conn max = null;
            for (Conn c : conns) {
                if (max == null || c.in.size() > max.in.size()) max = c;
            }
            if (max == null || max.in.size() == 0) return;
            warn("control connection closed: {} bytes of unfinished requests held, more than {}", held, limits.maxHeldBytes());
            if (max.out == null) {
                tell(max, Protocol.error(Protocol.BUSY, "had holds too much unfinished input from control clients; this"
                        + " connection held the most (" + max.in.size() + " bytes); closing", List.of()));
            }
            close(max);
        }
    }

    // ---- serving ------------------------------------------------------------------------------

    /**
     * Hands the request on; its answer comes back through {@link #completions}, also when it is
     * known at once: a client's pipelined lines then take one turn of the loop each, never a
     * recursion as deep as its buffer is long.
     */
    private void serve(Conn c, String line) {
        c.serving = true;
        long turn = ++c.served;
        deadlines.remove(c);
        c.key.interestOps(0);
        Map<String, Object> request;
        try {
            request = Json.parseObject(line);
        } catch (JsonException e) {
            deliver(c, turn, Protocol.error(Protocol.BAD_REQUEST, "not a JSON object: " + e.getMessage(), List.of()));
            return;
        }
        Object v = request.get("v");
        if (!(v instanceof Long n) || n != Protocol.VERSION) {
            deliver(c, turn, Protocol.error(v == null ? Protocol.BAD_REQUEST : Protocol.UNSUPPORTED_VERSION,
                    v == null ? "the request has no \"v\" (protocol version); this had speaks version " + Protocol.VERSION
                            : "protocol version " + Json.write(v) + " is not spoken here; this had speaks version "
                            + Protocol.VERSION, List.of()));
            return;
        }
        if (!(request.get("cmd") instanceof String cmd) || cmd.isEmpty()) {
            deliver(c, turn, Protocol.error(Protocol.BAD_REQUEST, "the request has no \"cmd\"", List.of()));
            return;
        }
        CompletionStage<?> stage;
        try {
            stage = handler.handle(cmd, request, c.peer);
        } catch (ControlException e) {
            deliver(c, turn, Protocol.error(e));
            return;
        } catch (RuntimeException e) {
            deliver(c, turn, failed(cmd, e));
            return;
        }
        c.requestDeadline = System.nanoTime() + requestNanos;
        requests.add(c);
        stage.whenComplete((result, error) -> deliver(c, turn, error == null ? Protocol.ok(result) : failure(cmd, error)));
    }

    /** From any thread: the answer to the connection's {@code turn}th request is written on the server's. */
    private void deliver(Conn c, long turn, Map<String, Object> response) {
        completions.add(() -> complete(c, turn, response));
        selector.wakeup();
    }

    private static Map<String, Object> failure(String cmd, Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        if (e instanceof ControlException ce) return Protocol.error(ce);
        return failed(cmd, e);
    }

    private static Map<String, Object> failed(String cmd, Throwable e) {
        log.error("control command {} failed", cmd, e);
        return Protocol.error(Protocol.FAILED, cmd + " failed: " + e, List.of());
    }

    /**
     * A request's answer: written now, as far as the client's socket takes it; dropped when that
     * request was answered already (told {@code timeout}).
     */
    private void complete(Conn c, long turn, Map<String, Object> response) {
        if (c.closed || !c.serving || turn != c.served) return;
        c.serving = false;
        requests.remove(c);
        try {
            answer(c, response, System.nanoTime());
        } catch (IOException | CancelledKeyException e) {
            log.debug("control connection ended: {}", e.toString());
            close(c);
        }
    }

    private void answer(Conn c, Map<String, Object> response, long now) throws IOException {
        c.out = ByteBuffer.wrap((Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
        deadlines.remove(c);
        c.deadline = now + idleNanos;
        deadlines.add(c);
        flush(c, now);
    }

    private void flush(Conn c, long now) throws IOException {
        if (c.ch.write(c.out) > 0 && c.out.hasRemaining()) {
            deadlines.remove(c); // it took some: its time starts again
            c.deadline = now + idleNanos;
            deadlines.add(c);
        }
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        c.out = null;
        if (c.closeAfterWrite) {
            close(c);
            return;
        }
        if (!nextRequest(c, now)) awaitLine(c, now);
    }

    private void awaitLine(Conn c, long now) {
        deadlines.remove(c);
        c.deadline = now + idleNanos;
        deadlines.add(c);
        c.key.interestOps(SelectionKey.OP_READ);
    }

    /** Deadlines are set {@code idleNanos} ahead, so insertion order is deadline order. */
    private void expire(long now) {
        for (Conn c : due(deadlines, c -> c.deadline, now)) {
            if (c.out == null) {
                tell(c, Protocol.error(Protocol.TIMEOUT, "no complete request line within " + limits.idleTimeoutMs()
                        + " ms; closing", List.of()));
            }
            // one that does not take its answer has a full socket: nothing more can be said to it
            close(c);
        }
    }

    /**
     * Requests not answered within {@link Limits#requestTimeoutMs} (had's event loop busy or stuck,
     * a reload that takes long): the client is told {@code timeout} and its connection goes on;
     * the answer, should it come, is dropped. Set {@code requestNanos} ahead, so insertion order is
     * deadline order.
     */
    private void expireRequests(long now) {
        for (Conn c : due(requests, c -> c.requestDeadline, now)) {
            complete(c, c.served, Protocol.error(Protocol.TIMEOUT, "had did not answer within " + limits.requestTimeoutMs()
                    + " ms; the request may still be carried out: check the status", List.of()));
        }
    }

    /** The connections of {@code byDeadline} (earliest first) whose {@code deadline} has come. */
    private static List<Conn> due(Iterable<Conn> byDeadline, ToLongFunction<Conn> deadline, long now) {
        List<Conn> due = new ArrayList<>();
        for (Conn c : byDeadline) {
            if (deadline.applyAsLong(c) - now > 0) break;
            due.add(c);
        }
        return due;
    }

    // ---- closing ------------------------------------------------------------------------------

    /** A last word for a connection about to be closed: only what its socket takes at once. */
    private static void tell(Conn c, Map<String, Object> response) {
        tellQuietly(c.ch, response);
    }

    private static void tellAndClose(SocketChannel ch, Map<String, Object> response) {
        tellQuietly(ch, response);
        closeQuietly(ch);
    }

    private static void tellQuietly(SocketChannel ch, Map<String, Object> response) {
        try {
            ch.write(ByteBuffer.wrap((Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // gone already
        }
    }

    private void close(Conn c) {
        if (c.closed) return;
        c.closed = true;
        conns.remove(c);
        deadlines.remove(c);
        requests.remove(c);
        held -= c.in.size();
        c.in.clear();
        closeQuietly(c.ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Rate-limited: a flood of clients must not become a flood of log lines. */
    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (lastWarn != 0 && now - lastWarn < WARN_EVERY_NANOS) {
            unwarned++;
            return;
        }
        lastWarn = now;
        if (unwarned > 0) log.warn("{} more such control socket warning(s) in the last minute", unwarned);
        unwarned = 0;
        log.warn(format, args);
    }

    /** Stops accepting, ends every connection, removes the socket file. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", path, e.getMessage());
        }
    }
}
