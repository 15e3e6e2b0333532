package had.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import had.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket's framing, limits and access check, with a stub behind it. */
class ControlServerTest {
    @TempDir
    Path dir;

    private ControlServer server;
    private final List<PeerCredentials> seen = new ArrayList<>();

    private final ControlServer.Handler echo = (cmd, request, peer) -> {
        synchronized (seen) {
            seen.add(peer);
        }
        if (cmd.equals("echo")) return Map.of("said", String.valueOf(request.get("text")));
        throw new ControlException(Protocol.UNKNOWN_COMMAND, "unknown command '" + cmd + "'");
    };

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Path start(AccessPolicy policy, long idleMs) {
        Path sock = dir.resolve("had.sock");
        server = ControlServer.start(sock, policy, echo, 2, idleMs);
        return sock;
    }

    private static PeerCredentials me() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        return new PeerCredentials((int) uid, -1, System.getProperty("user.name"), "");
    }

    @Test
    void answersEachRequestLineInOrderOnOneConnection() throws Exception {
        Path sock = start(AccessPolicy.standard().uids().contains(me().uid()) ? AccessPolicy.standard()
                : AccessPolicy.onlyUsers(me().uid()), 5000);
        try (Conn c = new Conn(sock)) {
            c.send("{\"v\":1,\"cmd\":\"echo\",\"text\":\"one\"}\n{\"v\":1,\"cmd\":\"echo\",\"text\":\"two\"}\n");
            Map<String, Object> r1 = c.response(), r2 = c.response();
            assertEquals(true, r1.get("ok"));
            assertEquals(1L, r1.get("v"));
            assertEquals(Map.of("said", "one"), r1.get("result"));
            assertEquals(Map.of("said", "two"), r2.get("result"));
        }
        assertEquals(me().uid(), seen.get(0).uid(), "the kernel's word on the peer: " + seen.get(0));
    }

    @Test
    void malformedJsonIsABadRequestAndTheConnectionGoesOn() throws Exception {
        Path sock = start(AccessPolicy.onlyUsers(me().uid()), 5000);
        try (Conn c = new Conn(sock)) {
            c.send("{\"v\":1,\"cmd\":\n");
            Map<String, Object> r = c.response();
            assertEquals(false, r.get("ok"));
            assertEquals("bad-request", r.get("code"));
            c.send("[1,2]\n{\"cmd\":\"echo\"}\n{\"v\":2,\"cmd\":\"echo\"}\n{\"v\":1}\n");
            assertEquals("bad-request", c.response().get("code"));
            Map<String, Object> noVersion = c.response();
            assertEquals("bad-request", noVersion.get("code"));
            assertTrue(String.valueOf(noVersion.get("error")).contains("\"v\""));
            assertEquals("unsupported-version", c.response().get("code"));
            assertEquals("bad-request", c.response().get("code"));
            c.send("{\"v\":1,\"cmd\":\"echo\",\"text\":\"still here\"}\n");
            assertEquals(true, c.response().get("ok"));
        }
    }

    @Test
    void unknownCommandSaysSo() throws Exception {
        Path sock = start(AccessPolicy.onlyUsers(me().uid()), 5000);
        try (Conn c = new Conn(sock)) {
            c.send("{\"v\":1,\"cmd\":\"launch-missiles\"}\n");
            Map<String, Object> r = c.response();
            assertEquals("unknown-command", r.get("code"));
            assertTrue(String.valueOf(r.get("error")).contains("launch-missiles"));
        }
    }

    @Test
    void anOversizedRequestIsAnsweredThenClosed() throws Exception {
        Path sock = start(AccessPolicy.onlyUsers(me().uid()), 5000);
        try (Conn c = new Conn(sock)) {
            String big = "{\"v\":1,\"cmd\":\"echo\",\"text\":\"" + "x".repeat(Protocol.MAX_REQUEST_BYTES) + "\"}\n";
            c.sendIgnoringClose(big);
            Map<String, Object> r = c.response();
            assertEquals("bad-request", r.get("code"));
            assertTrue(String.valueOf(r.get("error")).contains("longer than 65536"));
            assertNull(c.line(), "closed after the error");
        }
    }

    @Test
    void aClientThatSendsNothingOrAPartialLineIsTimedOut() throws Exception {
        Path sock = start(AccessPolicy.onlyUsers(me().uid()), 300);
        try (Conn silent = new Conn(sock); Conn partial = new Conn(sock)) {
            partial.send("{\"v\":1,\"cmd\":");
            long t0 = System.nanoTime();
            Map<String, Object> r1 = silent.response(), r2 = partial.response();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("timeout", r1.get("code"));
            assertEquals("timeout", r2.get("code"));
            assertNull(silent.line());
            assertNull(partial.line());
            assertTrue(ms < 3000, ms + " ms");
        }
        // the slow ones did not take the pool with them
        try (Conn c = new Conn(sock)) {
            c.send("{\"v\":1,\"cmd\":\"echo\",\"text\":\"next\"}\n");
            assertEquals(true, c.response().get("ok"));
        }
    }

    /** The allow-list leaves out this test's own uid: the kernel-reported peer is refused. */
    @Test
    void aPeerOutsideTheAllowListIsRefusedBeforeAnyRequestIsRead() throws Exception {
        int other = me().uid() == 4242 ? 4243 : 4242;
        Path sock = start(AccessPolicy.onlyUsers(other), 5000);
        try (Conn c = new Conn(sock)) {
            c.sendIgnoringClose("{\"v\":1,\"cmd\":\"echo\",\"text\":\"let me in\"}\n");
            Map<String, Object> r = c.response();
            assertEquals(false, r.get("ok"));
            assertEquals("forbidden", r.get("code"));
            assertTrue(String.valueOf(r.get("error")).contains("uid " + me().uid()), String.valueOf(r.get("error")));
            assertNull(c.line());
        }
        assertTrue(seen.isEmpty(), "the handler never saw the refused peer");
    }

    /**
     * A real other user: hadctl run as nobody (setpriv) against had's standard policy (root and
     * group had), with the socket file opened to everyone so only the credential check stands.
     */
    @Test
    void nobodyIsRefusedByTheCredentialCheckNotJustTheFileMode() throws Exception {
        assumeTrue(me().uid() == 0, "needs root to run a client as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        String classes = classesDir();
        assumeTrue(classes != null, "hadctl's classes not found on the class path");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sock = start(AccessPolicy.standard(), 5000);
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes, "had.ctl.HadCtl", "--socket", sock.toString(), "status")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assumeTrue(!out.contains("ClassNotFoundException") && !out.contains("Could not find or load"),
                "nobody cannot read the build tree: " + out);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("permission denied") && out.contains("uid 65534"), out);
        assertTrue(seen.isEmpty(), "the handler never saw nobody");
    }

    private static String classesDir() {
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Files.isRegularFile(Path.of(e, "had", "ctl", "HadCtl.class"))) return e;
        }
        return null;
    }

    @Test
    void theSocketFileIs0660AndGoneAfterClose() throws Exception {
        Path sock = start(AccessPolicy.onlyUsers(me().uid()), 5000);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        server.close();
        assertFalse(Files.exists(sock));
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneIsNot() throws Exception {
        Path sock = dir.resolve("had.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(sock));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ControlServer.start(sock, AccessPolicy.onlyUsers(me().uid()), echo, 2, 5000));
            assertTrue(e.getMessage().contains("another had"), e.getMessage());
        }
        assertTrue(Files.exists(sock), "a closed server channel leaves its file behind");
        start(AccessPolicy.onlyUsers(me().uid()), 5000);
        try (Conn c = new Conn(sock)) {
            c.send("{\"v\":1,\"cmd\":\"echo\",\"text\":\"fresh\"}\n");
            assertEquals(true, c.response().get("ok"));
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverReplaced() throws Exception {
        Path file = dir.resolve("had.sock");
        Files.writeString(file, "precious");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ControlServer.start(file, AccessPolicy.onlyUsers(me().uid()), echo, 2, 5000));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(file));
    }

    /** A raw protocol client. */
    static final class Conn implements AutoCloseable {
        private final SocketChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);

        Conn(Path sock) throws IOException {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            buf.flip();
        }

        void send(String s) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        }

        void sendIgnoringClose(String s) {
            try {
                send(s);
            } catch (IOException e) {
                // the server may close before reading it all
            }
        }

        String line() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') return out.toString(StandardCharsets.UTF_8);
                    out.write(b);
                }
                buf.clear();
                int n;
                try {
                    n = ch.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                buf.flip();
                if (n < 0) return out.size() == 0 ? null : out.toString(StandardCharsets.UTF_8);
            }
        }

        Map<String, Object> response() throws IOException {
            String l = line();
            if (l == null) throw new IOException("connection closed without a response");
            return Json.parseObject(l);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
