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
 */
public final class SimChassisControl implements AutoCloseable {
    /** Longest command line the simulator accepts, without its newline. */
    public static final int MAX_LINE = 255;
    private static final int MAX_REPLY = 8192;

    /** What {@code leds SLOT} tells. */
    public record Leds(boolean power, boolean led, boolean attention, boolean latchOpen, boolean present) {}

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_REPLY);

    private SimChassisControl(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
    }

    public static SimChassisControl connect(Path socket) {
        return connect(socket, Duration.ofSeconds(5));
    }

    /** Connects; every command then waits at most {@code timeout} for its reply. */
    public static SimChassisControl connect(Path socket, Duration timeout) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new SimChassisControl(ch, sel, timeout);
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
            ByteBuffer out = ByteBuffer.wrap(bytes);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) waitFor(deadline, line);
            }
            String reply = readLine(deadline, line);
            if (reply.equals("ok")) return "";
            if (reply.startsWith("ok ")) return reply.substring(3);
            if (reply.startsWith("err ")) throw new SimControlException(line + ": " + reply.substring(4));
            throw new SimControlException(line + ": unexpected reply '" + reply + "'");
        } catch (IOException e) {
            throw new SimControlException(line + ": " + e.getMessage(), e);
        }
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
