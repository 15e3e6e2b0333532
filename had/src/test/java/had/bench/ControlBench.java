package had.bench;

import had.control.ControlClient;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control socket under clients that do not play fair, against {@code bin/had --simulate}
 * after the demo scenario: how long {@code status} takes (connect, request, answer: what
 * {@code hadctl status} waits for once its JVM runs; the JVM's own start-up is shown apart),
 * alone, then with 500 connections held open (half silent, half stopped in the middle of a line,
 * each reopened as soon as had closes it, as a client retrying in a loop would), then with 8
 * greedy clients pipelining requests as fast as had answers them; and had's resident memory,
 * threads and file descriptors meanwhile. Goals: status under 100 ms, RSS at most 64 MiB.
 */
final class ControlBench {
    static final int HELD = 500;
    static final int GREEDY = 8;
    static final int TRIES = 200;
    static final long GOAL_MS = 100;
    static final long BUDGET_KIB = 64 * 1024;

    private ControlBench() {}

    public static void main(String[] args) throws Exception {
        System.out.print(report());
    }

    static String report() throws Exception {
        Path top = Path.of(System.getProperty("had.top", ".")).toAbsolutePath().normalize();
        Path tmp = Files.createTempDirectory("had-control");
        StringBuilder r = new StringBuilder("Control socket: status while other clients do not play fair"
                + " (bin/had --simulate, after the demo; " + TRIES + " tries each)\n");
        boolean met = true;
        try (HadProcess had = HadProcess.start(top, tmp.resolve("had"), List.of("--scenario", "demo"))) {
            had.awaitLine("had keeps running", 120);
            r.append(String.format(Locale.ROOT, "  after the demo, before any request: RSS %.1f MiB, %d threads, %d fds; load average %s%n",
                    had.status("VmRSS") / 1024.0, had.status("Threads"), had.fds(), loadAverage()));
            Path sock = had.socket();
            Figures alone = statusTimes(sock);
            r.append(line("alone", alone, had));
            long hadctlAlone = hadctlMs(top, sock);
            try (Holder held = new Holder(sock, HELD)) {
                held.start();
                held.awaitAllOpen();
                long hadctlHeld = hadctlMs(top, sock);
                Figures busy = statusTimes(sock);
                r.append(line(HELD + " held (idle/half-written)", busy, had));
                r.append(String.format(Locale.ROOT, "    (had closed and the holder reopened %d of them meanwhile)%n",
                        held.reopened.get()));
                met &= busy.p99 < GOAL_MS * 1000;
                try (Greedy greedy = new Greedy(sock, GREEDY)) {
                    greedy.start();
                    Thread.sleep(500);
                    Figures contended = statusTimes(sock);
                    r.append(line("+ " + GREEDY + " greedy pipelining", contended, had));
                    r.append(String.format(Locale.ROOT, "    (the greedy clients got %d answers meanwhile)%n",
                            greedy.answers.get()));
                    met &= contended.p99 < GOAL_MS * 1000;
                }
                met &= had.status("VmHWM") <= BUDGET_KIB;
                r.append(String.format(Locale.ROOT, "  bin/hadctl status as a process (its JVM's start included, median of 5): %d ms alone, "
                        + "%d ms with %d held%n", hadctlAlone, hadctlHeld, HELD));
            }
            r.append(String.format(Locale.ROOT, "  peak resident memory of had over the run: %.1f MiB; load average %s%n",
                    had.status("VmHWM") / 1024.0, loadAverage()));
        } finally {
            HadProcess.delete(tmp);
        }
        r.append("  goal: status under ").append(GOAL_MS).append(" ms (99th percentile) with ").append(HELD)
                .append(" connections held, RSS at most 64 MiB: ").append(met ? "met" : "NOT met").append('\n');
        return r.toString();
    }

    private record Figures(long median, long p99, long max) {}

    /** The 1-minute load average: tail latencies on a shared machine are its scheduler's. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static String line(String what, Figures f, HadProcess had) throws IOException {
        return String.format(Locale.ROOT, "  %-34s status median %.1f ms, 99%% %.1f ms, max %.1f ms; RSS %.1f MiB,"
                        + " %d threads, %d fds%n", what + ":", f.median / 1000.0, f.p99 / 1000.0, f.max / 1000.0,
                had.status("VmRSS") / 1024.0, had.status("Threads"), had.fds());
    }

    /** {@link #TRIES} status requests, each on a new connection; times in microseconds. */
    private static Figures statusTimes(Path sock) throws Exception {
        List<Long> us = new ArrayList<>();
        for (int i = 0; i < TRIES; i++) {
            long t0 = System.nanoTime();
            try (ControlClient c = ControlClient.connect(sock, 30_000)) {
                c.call("status", Map.of());
            }
            us.add((System.nanoTime() - t0) / 1000);
            Thread.sleep(50); // 200 tries span had's 10 s idle timeout: the held connections are closed and reopened meanwhile
        }
        Collections.sort(us);
        return new Figures(us.get(us.size() / 2), us.get((int) Math.ceil(us.size() * 0.99) - 1), us.get(us.size() - 1));
    }

    /** Wall time of {@code bin/hadctl status}, in ms: the median of 5 runs. */
    private static long hadctlMs(Path top, Path sock) throws Exception {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(top.resolve("bin/hadctl").toString(), "--socket", sock.toString(), "status")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("hadctl status: " + out);
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        Collections.sort(ms);
        return ms.get(ms.size() / 2);
    }

    /**
     * Keeps {@code n} connections open to had, every other one stopped in the middle of a request
     * line, reopening each as soon as had closes it (its idle timeout).
     */
    private static final class Holder extends Thread implements AutoCloseable {
        private static final byte[] HALF = "{\"v\":1,\"cmd\":".getBytes(StandardCharsets.UTF_8);
        private final Path sock;
        private final int n;
        private final Selector selector;
        private final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reopened = new AtomicLong();
        private volatile int open;

        Holder(Path sock, int n) throws IOException {
            super("bench-holder");
            setDaemon(true);
            this.sock = sock;
            this.n = n;
            this.selector = Selector.open();
        }

        private void connect(int i) throws IOException {
            SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            if (i % 2 == 1) c.write(ByteBuffer.wrap(HALF));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, i);
        }

        @Override
        public void run() {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            try {
                for (int i = 0; i < n; i++) connect(i);
                open = n;
                while (!stop.get()) {
                    selector.select(key -> {
                        SocketChannel c = (SocketChannel) key.channel();
                        try {
                            sink.clear();
                            if (c.read(sink) >= 0) return; // had's notice; its close follows
                        } catch (IOException e) {
                            // closed under it
                        }
                        key.cancel();
                        try {
                            c.close();
                            connect((Integer) key.attachment());
                            reopened.incrementAndGet();
                        } catch (IOException e) {
                            throw new IllegalStateException("cannot reopen a held connection: " + e.getMessage(), e);
                        }
                    }, 200);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void awaitAllOpen() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (open < n) {
                if (System.nanoTime() > deadline || !isAlive()) throw new IllegalStateException("the held connections did not open");
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            join(5000);
            for (SelectionKey k : selector.keys()) k.channel().close();
            selector.close();
        }
    }

    /** Clients that keep {@code depth} status requests in flight each, reading answers as they come. */
    private static final class Greedy extends Thread implements AutoCloseable {
        private static final byte[] STATUS = "{\"v\":1,\"cmd\":\"status\"}\n".getBytes(StandardCharsets.UTF_8);
        private final List<SocketChannel> conns = new ArrayList<>();
        private final Selector selector;
        private final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong answers = new AtomicLong();

        Greedy(Path sock, int n) throws IOException {
            super("bench-greedy");
            setDaemon(true);
            selector = Selector.open();
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, ByteBuffer.wrap(STATUS.clone()));
                conns.add(c);
            }
        }

        @Override
        public void run() {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            try {
                while (!stop.get()) {
                    selector.select(key -> {
                        SocketChannel c = (SocketChannel) key.channel();
                        try {
                            if (key.isReadable()) {
                                in.clear();
                                int got = c.read(in);
                                for (int i = 0; i < in.position(); i++) if (in.get(i) == '\n') answers.incrementAndGet();
                                if (got < 0) key.cancel();
                            }
                            if (key.isValid() && key.isWritable()) {
                                ByteBuffer out = (ByteBuffer) key.attachment();
                                if (!out.hasRemaining()) out.rewind(); // one more, for ever
                                c.write(out);
                            }
                        } catch (IOException e) {
                            key.cancel();
                        }
                    }, 200);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            join(5000);
            for (SocketChannel c : conns) c.close();
            selector.close();
        }
    }
}
