package had.bench;

import had.os.UnixDatagram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/had --simulate} as a child process, exactly as an operator would run it (the JVM
 * options of packaging/had.jvm.options, the class data sharing archive when make built it), with
 * a NOTIFY_SOCKET of the benchmark's own: started, READY=1 awaited, its figures read from /proc.
 */
final class HadProcess implements AutoCloseable {
    final Process process;
    final Path dir;
    /** From starting the process to READY=1. */
    final long readyMs;
    private final UnixDatagram systemd;
    private final StringBuilder output = new StringBuilder();

    private HadProcess(Process process, Path dir, UnixDatagram systemd, long t0) throws Exception {
        this.process = process;
        this.dir = dir;
        this.systemd = systemd;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "bench-had-output");
        reader.setDaemon(true);
        reader.start();
        long ready = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
        while (ready < 0 && System.nanoTime() < deadline) {
            String msg = systemd.receive(1000);
            if (msg != null && msg.lines().anyMatch("READY=1"::equals)) ready = (System.nanoTime() - t0) / 1_000_000;
            if (!process.isAlive()) break;
        }
        if (ready < 0) throw new IllegalStateException("had never sent READY=1:\n" + output());
        this.readyMs = ready;
    }

    /** Starts {@code bin/had --simulate} on the shipped configuration, its state in {@code dir}, with {@code more} arguments. */
    static HadProcess start(Path top, Path dir, List<String> more) throws Exception {
        return start(top, dir, more, "");
    }

    /** The same with {@code javaOptions} added to the JVM's (bin/had's HAD_JAVA_OPTS). */
    static HadProcess start(Path top, Path dir, List<String> more, String javaOptions) throws Exception {
        return start(top, dir, top.resolve("conf/had.conf"), more, javaOptions);
    }

    /** The same on {@code hadConf} instead of the shipped configuration. */
    static HadProcess start(Path top, Path dir, Path hadConf, List<String> more, String javaOptions) throws Exception {
        Path had = top.resolve("bin/had");
        if (!Files.isExecutable(had)) throw new IllegalStateException(had + " not found: run make bench from the top");
        Files.createDirectories(dir);
        String notify = dir.resolve("notify").toString();
        UnixDatagram systemd = UnixDatagram.bind(notify);
        try {
            List<String> cmd = new ArrayList<>(List.of(had.toString(), "--simulate",
                    "-c", hadConf.toString(), "-d", top.resolve("conf/pcidrivers.conf").toString(),
                    "--state-dir", dir.toString()));
            cmd.addAll(more);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", notify);
            if (!javaOptions.isEmpty()) {
                String inherited = pb.environment().getOrDefault("HAD_JAVA_OPTS", "");
                pb.environment().put("HAD_JAVA_OPTS", (inherited + " " + javaOptions).trim());
            }
            long t0 = System.nanoTime();
            return new HadProcess(pb.start(), dir, systemd, t0);
        } catch (Exception e) {
            systemd.close();
            throw e;
        }
    }

    /** The process's CPU time so far (user + system), in nanoseconds (/proc/PID/stat, clock ticks of 10 ms). */
    long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    /** Where {@code --simulate} puts its control socket. */
    Path socket() {
        return dir.resolve("had.sock");
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits until had prints a line starting with {@code prefix}. */
    void awaitLine(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (output) {
            while (!output.toString().lines().anyMatch(l -> l.startsWith(prefix))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive()) throw new IllegalStateException("had never printed '" + prefix + "':\n" + output);
                output.wait(Math.min(left, 500));
            }
        }
    }

    /** A "kB" (or plain number) field of /proc/PID/status, e.g. VmRSS, VmHWM, Threads. */
    long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** Its open file descriptors. */
    long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return s.count();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        systemd.close();
    }

    /** Removes a benchmark's temporary tree. */
    static void delete(Path tmp) throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
