package had.backplane.bridge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import had.backplane.PciId;

/**
 * The operator's hands on the simulated chassis: a client of picmg-bridge's sim control socket
 * (line protocol, see picmg-bridge/README.md). The socket is served by the thread that waits for
 * backplane events, so a {@link BridgeBackplane} on that simulator must have been started.
 * Not thread-safe: one command at a time per instance.
 *
 * <p>The simulator closes a connection that stays idle (a drill waiting a minute between two
 * steps): its notice, which comes only for a line it never read, makes this client connect again
 * and send the command once more, so a long pause is no failed step.
 */
public final class SimChassisControl implements AutoCloseable {
    /** Longest command line the simulator accepts, without its newline. */
    public static final int MAX_LINE = 255;
    private static final int MAX_REPLY = 8192;
    /** The simulator's word for a connection it closes unread (picmg-bridge/README.md). */
    private static final String IDLE_NOTICE = "err idle:";

    /** What {@code leds SLOT} tells. */
    public record Leds(boolean power, boolean led, boolean attention, boolean latchOpen, boolean present) {}

    private final Path socket;
    private SocketChannel channel;
    private Selector selector;
    private final Duration timeout;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_REPLY);

    private SimChassisControl(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
        open();
    }

    public static SimChassisControl connect(Path socket) {
        return connect(socket, Duration.ofSeconds(5));
    }

    /** Connects; every command then waits at most {@code timeout} for its reply. */
    public static SimChassisControl connect(Path socket, Duration timeout) {
        return new SimChassisControl(socket, timeout);
    }

    private void open() {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            channel = ch;
            selector = sel;
            in.clear();
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new SimControlException("cannot connect to simulated chassis at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Card with PCI ids (subsystem ids too when known) and {@code ports} Ethernet ports. */
    public void insert(int slot, PciId id, int ports) {
        String ids = String.format("%04x:%04x", id.vendor(), id.device());
        if (id.subVendor() != PciId.ANY && id.subDevice() != PciId.ANY) {
            ids += String.format(":%04x:%04x", id.subVendor(), id.subDevice());
        }
        command("insert " + slot + " " + ids + " " + ports);
    }

    /** Opens (extraction request) or closes the card's handle. */
    public void handle(int slot, boolean open) {
        command("handle " + slot + (open ? " open" : " close"));
    }

    /** Pulls the card; a surprise removal when its slot is still powered. */
    public void remove(int slot) {
        command("remove " + slot);
    }

    /** Physical link of one port (the card's PCI function {@code port}). */
    public void link(int slot, int port, boolean up) {
        command("link " + slot + " " + port + (up ? " up" : " down"));
    }

    /** One of the card's functions (port) reports {@code count} PCIe AER errors of {@code kind}: correctable, nonfatal, fatal. */
    public void aer(int slot, int port, String kind, int count) {
        command("aer " + slot + " " + port + " " + kind + " " + count);
    }

    /** The path beyond one port's link: cut ({@code up} false) with carrier kept, or restored. */
    public void path(int slot, int port, boolean up) {
        command("path " + slot + " " + port + (up ? " up" : " down"));
    }

    public Leds leds(int slot) {
        Map<String, String> kv = keyValues(command("leds " + slot));
        return new Leds(flag(kv, "power"), flag(kv, "led"), flag(kv, "attention"),
                "open".equals(require(kv, "latch")), flag(kv, "present"));
    }

    /** The one-line state of every slot, as the simulator formats it (after "ok "). */
    public String slots() {
        return command("slots");
    }

    /**
     * Sends one command line; returns what follows {@code ok} (may be empty).
     * @throws SimControlException on an {@code err} reply, a timeout, or a broken connection
     */
    public String command(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line only: " + line);
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        if (bytes.length - 1 > MAX_LINE) throw new IllegalArgumentException("command longer than " + MAX_LINE + " bytes");
        try {
            if (closedWhileIdle()) reopen();
            String reply = exchange(bytes, line);
            if (reply == null || reply.startsWith(IDLE_NOTICE)) {
                reopen();
                reply = exchange(bytes, line);
                if (reply == null) throw new SimControlException(line + ": the simulated chassis closed the connection");
            }
            if (reply.equals("ok")) return "";
            if (reply.startsWith("ok ")) return reply.substring(3);
            if (reply.startsWith("err ")) throw new SimControlException(line + ": " + reply.substring(4));
            throw new SimControlException(line + ": unexpected reply '" + reply + "'");
        } catch (IOException e) {
            throw new SimControlException(line + ": " + e.getMessage(), e);
        }
    }

    /** The reply to {@code bytes}; null when they could not be written, so were never read. */
    private String exchange(byte[] bytes, String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) waitFor(deadline, line);
            }
        } catch (IOException e) {
            return null; // a line without its newline is no command to the simulator
        }
        return readLine(deadline, line);
    }

    /** Anything the simulator sent unasked (its idle notice), or its end: the connection is over. */
    private boolean closedWhileIdle() {
        try {
            return channel.read(in) != 0 || in.position() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    private void reopen() {
        close();
        open();
    }

    private String readLine(long deadline, String line) throws IOException {
        for (;;) {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    byte[] b = new byte[i];
                    in.flip();
                    in.get(b);
                    in.get(); // the newline
                    in.compact();
                    return new String(b, StandardCharsets.US_ASCII);
                }
            }
            if (!in.hasRemaining()) throw new SimControlException(line + ": reply longer than " + MAX_REPLY + " bytes");
            int n = channel.read(in);
            if (n < 0) throw new SimControlException(line + ": the simulated chassis closed the connection");
            if (n == 0) waitFor(deadline, line);
        }
    }

    private void waitFor(long deadline, String line) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SimControlException(line + ": no reply within " + timeout.toMillis()
                    + " ms (is the backplane's event thread running?)");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    private static Map<String, String> keyValues(String s) {
        Map<String, String> kv = new TreeMap<>();
        for (String word : s.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) kv.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return kv;
    }

    private static String require(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) throw new SimControlException("reply lacks " + key + ": " + kv);
        return v;
    }

    private static boolean flag(Map<String, String> kv, String key) {
        return "1".equals(require(kv, key));
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
