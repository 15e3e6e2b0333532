package had.control;

import had.json.Json;
import had.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * had's control socket: a Unix stream socket served by its own threads (one accepting, a small
 * bounded pool serving), never by the core's. Each connection is checked against the
 * {@link AccessPolicy} with the kernel's credentials of the peer before anything is read; then
 * it carries requests, one JSON line each, answered in order. A request line longer than
 * {@link Protocol#MAX_REQUEST_BYTES} is answered with an error and the connection closed; so is a
 * connection that sends no complete line for {@code idleTimeoutMs}.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** What the server serves: one request in, a result out (or a {@link ControlException}). */
    public interface Handler {
        Object handle(String cmd, Map<String, Object> request, PeerCredentials peer) throws ControlException;
    }

    private final Path path;
    private final AccessPolicy policy;
    private final Handler handler;
    private final long idleTimeoutMs;
    private final ServerSocketChannel server;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    private ControlServer(Path path, AccessPolicy policy, Handler handler, int maxClients, long idleTimeoutMs,
                          ServerSocketChannel server) {
        this.path = path;
        this.policy = policy;
        this.handler = handler;
        this.idleTimeoutMs = idleTimeoutMs;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(maxClients, maxClients, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxClients), r -> daemonThread(r, "had-control-" + n.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "had-control-timer"));
        this.acceptor = daemonThread(this::accept, "had-control");
    }

    /**
     * Binds {@code path} (0660, group {@value AccessPolicy#GROUP} when that group exists) and starts
     * serving. A socket file nobody listens on is a leftover and replaced; one a live process
     * answers on means another had runs, and is an error.
     */
    public static ControlServer start(Path path, AccessPolicy policy, Handler handler, int maxClients, long idleTimeoutMs) {
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
            server.bind(UnixDomainSocketAddress.of(path), 16);
            restrict(path);
            ControlServer s = new ControlServer(path, policy, handler, maxClients, idleTimeoutMs, server);
            s.acceptor.start();
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

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void accept() {
        while (!closing) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closing) log.warn("control socket accept failed: {}", e.getMessage());
                return;
            }
            open.add(c);
            try {
                workers.execute(() -> serve(c));
            } catch (RejectedExecutionException e) {
                reply(c, Protocol.error(Protocol.BUSY, "had is serving too many control clients; try again", List.of()));
                close(c);
            }
        }
    }

    /** One connection: credentials, then requests until EOF, an error that ends it, or a timeout. */
    private void serve(SocketChannel c) {
        try {
            PeerCredentials peer;
            try {
                peer = PeerCredentials.of(c);
            } catch (IOException | RuntimeException e) {
                reply(c, Protocol.error(Protocol.FORBIDDEN, "cannot tell who is connecting: " + e.getMessage(), List.of()));
                return;
            }
            if (!policy.allows(peer)) {
                log.warn("control connection refused: {} (gid {})", peer.describe(), peer.gid());
                reply(c, Protocol.error(Protocol.FORBIDDEN, policy.refusal(peer), List.of()));
                return;
            }
            LineReader in = new LineReader(c);
            while (!closing) {
                Deadline d = new Deadline(c);
                String line;
                try {
                    line = in.next();
                } finally {
                    d.cancel();
                }
                if (d.expired) return;
                if (line == null) return; // the client is done
                if (line == LineReader.TOO_LONG) {
                    reply(c, Protocol.error(Protocol.BAD_REQUEST, "request longer than " + Protocol.MAX_REQUEST_BYTES
                            + " bytes; closing", List.of()));
                    return;
                }
                if (line.isBlank()) continue;
                if (!reply(c, answer(line, peer))) return;
            }
        } catch (IOException e) {
            log.debug("control connection ended: {}", e.toString());
        } finally {
            close(c);
        }
    }

    private Map<String, Object> answer(String line, PeerCredentials peer) {
        Map<String, Object> request;
        try {
            request = Json.parseObject(line);
        } catch (JsonException e) {
            return Protocol.error(Protocol.BAD_REQUEST, "not a JSON object: " + e.getMessage(), List.of());
        }
        Object v = request.get("v");
        if (!(v instanceof Long n) || n != Protocol.VERSION) {
            return Protocol.error(v == null ? Protocol.BAD_REQUEST : Protocol.UNSUPPORTED_VERSION,
                    v == null ? "the request has no \"v\" (protocol version); this had speaks version " + Protocol.VERSION
                            : "protocol version " + Json.write(v) + " is not spoken here; this had speaks version "
                            + Protocol.VERSION, List.of());
        }
        if (!(request.get("cmd") instanceof String cmd) || cmd.isEmpty()) {
            return Protocol.error(Protocol.BAD_REQUEST, "the request has no \"cmd\"", List.of());
        }
        try {
            return Protocol.ok(handler.handle(cmd, request, peer));
        } catch (ControlException e) {
            return Protocol.error(e);
        } catch (RuntimeException e) {
            log.error("control command {} failed", cmd, e);
            return Protocol.error(Protocol.FAILED, cmd + " failed: " + e, List.of());
        }
    }

    /** Writes one response line; false when the client is gone. */
    private static boolean reply(SocketChannel c, Map<String, Object> response) {
        ByteBuffer b = ByteBuffer.wrap((Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (c) {
                while (b.hasRemaining()) c.write(b);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void close(SocketChannel c) {
        open.remove(c);
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /**
     * The time a connection has to send its next complete line. When it runs out the client is
     * told, and the connection closed under the blocked reader.
     */
    private final class Deadline {
        private final ScheduledFuture<?> future;
        private boolean done;
        volatile boolean expired;

        Deadline(SocketChannel c) {
            future = timer.schedule(() -> {
                synchronized (this) {
                    if (done) return;
                    expired = true;
                }
                reply(c, Protocol.error(Protocol.TIMEOUT, "no complete request line within " + idleTimeoutMs
                        + " ms; closing", List.of()));
                ControlServer.this.close(c);
            }, idleTimeoutMs, TimeUnit.MILLISECONDS);
        }

        synchronized void cancel() {
            done = true;
            future.cancel(false);
        }
    }

    /** Reads newline-terminated UTF-8 lines, never holding more than the request limit. */
    static final class LineReader {
        static final String TOO_LONG = new String("(too long)");
        private final SocketChannel c;
        private final ByteBuffer buf = ByteBuffer.allocate(8192);
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineReader(SocketChannel c) {
            this.c = c;
            buf.flip();
        }

        /** The next line without its newline; null at EOF; {@link #TOO_LONG} past the limit. */
        String next() throws IOException {
            line.reset();
            while (true) {
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') return line.toString(StandardCharsets.UTF_8);
                    if (line.size() >= Protocol.MAX_REQUEST_BYTES) return TOO_LONG;
                    line.write(b);
                }
                buf.clear();
                int n;
                try {
                    n = c.read(buf);
                } catch (SocketException e) {
                    n = -1;
                }
                buf.flip();
                if (n < 0) return null; // a partial line at EOF is not a request
            }
        }
    }

    /** Stops accepting, ends every connection, removes the socket file. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (SocketChannel c : open) close(c);
        workers.shutdownNow();
        timer.shutdownNow();
        try {
            acceptor.join(2000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
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
