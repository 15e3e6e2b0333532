package had.control;

import had.json.Json;
import had.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;

/**
 * One connection to had's control socket (had/doc/control-protocol.md): requests out, responses
 * in, one JSON line each. Every way of not reaching had is an {@link Unreachable} saying which
 * and what to do; every "ok": false answer is a {@link Refused}.
 */
public final class ControlClient implements AutoCloseable {
    public static final int VERSION = 1;
    private static final int MAX_RESPONSE = 16 << 20;

    /** had could not be reached: no socket, not allowed, nobody listening, no answer. */
    public static final class Unreachable extends Exception {
        public Unreachable(String message) {
            super(message);
        }
    }

    /** had answered {@code "ok": false}. */
    public static final class Refused extends Exception {
        private final String code;
        private final List<String> details;

        Refused(String code, String message, List<String> details) {
            super(message);
            this.code = code;
            this.details = details;
        }

        public String code() {
            return code;
        }

        public List<String> details() {
            return details;
        }
    }

    private final Path path;
    private final SocketChannel channel;
    private final long timeoutMs;
    private final ByteBuffer buf = ByteBuffer.allocate(8192);

    private ControlClient(Path path, SocketChannel channel, long timeoutMs) {
        this.path = path;
        this.channel = channel;
        this.timeoutMs = timeoutMs;
        buf.flip();
    }

    public static ControlClient connect(Path path, long timeoutMs) throws Unreachable {
        try {
            Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Unreachable("no control socket at " + path + ": is had running? (systemctl status had;"
                    + " or name the socket with --socket PATH or HADCTL_SOCKET)");
        } catch (AccessDeniedException e) {
            // Its directory (/run/had, 0750 root:had) is closed to this user: had may well be running.
            throw denied(path);
        } catch (IOException e) {
            // connect() below says what is wrong.
        }
        SocketChannel c = null;
        try {
            c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.connect(UnixDomainSocketAddress.of(path));
            return new ControlClient(path, c, timeoutMs);
        } catch (ConnectException e) {
            closeQuietly(c);
            throw new Unreachable("nothing listens on " + path + " (" + e.getMessage() + "): had is not running;"
                    + " start it (systemctl start had)");
        } catch (AccessDeniedException e) {
            closeQuietly(c);
            throw denied(path);
        } catch (IOException e) {
            closeQuietly(c);
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) throw denied(path);
            if (m.contains("No such file")) {
                throw new Unreachable("no control socket at " + path + ": is had running? (systemctl status had)");
            }
            throw new Unreachable("cannot connect to " + path + ": " + m);
        }
    }

    private static Unreachable denied(Path path) {
        return new Unreachable("permission denied on " + path + ": run hadctl as root, or as a member of the 'had'"
                + " group (adduser $USER had, then log in again)");
    }

    /** Sends {@code cmd} with {@code args} and returns the result object, or throws what went wrong. */
    public Map<String, Object> call(String cmd, Map<String, Object> args) throws Unreachable, Refused {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("v", VERSION);
        req.put("cmd", cmd);
        req.putAll(args);
        Map<String, Object> resp = exchange(Json.write(req));
        if (Boolean.TRUE.equals(resp.get("ok"))) {
            Object r = resp.get("result");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = r instanceof Map<?, ?> ? (Map<String, Object>) r : Map.of();
            return result;
        }
        List<String> details = resp.get("details") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        throw new Refused(String.valueOf(resp.get("code")), String.valueOf(resp.get("error")), details);
    }

    /** One raw request line out, the response object in. */
    public Map<String, Object> exchange(String line) throws Unreachable {
        Timer timer = new Timer("hadctl-timeout", true);
        timer.schedule(new TimerTask() {
            @Override
            public void run() {
                closeQuietly(channel);
            }
        }, timeoutMs);
        try {
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            IOException writeFailed = null;
            try {
                while (out.hasRemaining()) channel.write(out);
            } catch (IOException e) {
                writeFailed = e; // had may have answered (forbidden, busy) and closed before reading
            }
            String answer = channel.isOpen() ? readLine() : null;
            if (answer == null && writeFailed != null) throw writeFailed;
            if (answer == null) throw new Unreachable("had closed the connection without answering (" + path + ")");
            return Json.parseObject(answer);
        } catch (IOException e) {
            if (!channel.isOpen()) throw new Unreachable("had did not answer within " + timeoutMs / 1000 + " s (" + path + ")");
            throw new Unreachable("lost the connection to had (" + path + "): " + e.getMessage());
        } catch (JsonException e) {
            throw new Unreachable("had's answer is not JSON (" + e.getMessage() + "): is " + path + " had's socket?");
        } finally {
            timer.cancel();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') return line.toString(StandardCharsets.UTF_8);
                if (line.size() > MAX_RESPONSE) throw new IOException("answer longer than " + MAX_RESPONSE + " bytes");
                line.write(b);
            }
            buf.clear();
            int n;
            try {
                n = channel.read(buf);
            } catch (SocketException e) {
                n = -1;
            }
            buf.flip();
            if (n < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
