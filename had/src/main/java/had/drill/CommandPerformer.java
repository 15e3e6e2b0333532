package had.drill;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Physical steps done by a program ({@code hadctl drill --performer PROGRAM}): a chassis robot, a
 * shelf manager's script, a virtual lab. Each step runs the program once with the step's own
 * words as its arguments, as the drill file writes them ({@code insert 2 8086:10d3 2},
 * {@code handle 2 open}, {@code pull 2}, {@code yank 2}, {@code link 2 0 down},
 * {@code path 2 0 up}); exit status 0 means the act is done. Anything else, or no exit within the
 * step time limit (the program is then killed), fails the step with the program's last line of
 * output, so a drill never hangs on hands that stopped answering.
 */
public final class CommandPerformer implements Performer {
    /** How long one physical step may take before it fails: a card insertion on a slow chassis included. */
    public static final Duration STEP_LIMIT = Duration.ofSeconds(120);

    /** What is kept of a program's output to say why it failed. */
    private static final int KEPT_OUTPUT = 4096;

    private final Path program;
    private final Duration limit;

    public CommandPerformer(Path program) {
        this(program, STEP_LIMIT);
    }

    CommandPerformer(Path program, Duration limit) {
        this.program = program;
        this.limit = limit;
    }

    @Override
    public String name() {
        return "program " + program;
    }

    /** The step's words as the drill language writes them: the program's arguments. */
    static List<String> words(Drill.Action step) {
        if (step instanceof Drill.Insert c) {
            String ids = hex(c.vendor()) + ":" + hex(c.device())
                    + (c.subVendor() < 0 ? "" : ":" + hex(c.subVendor()) + ":" + hex(c.subDevice()));
            return List.of("insert", Integer.toString(c.slot()), ids, Integer.toString(c.ports()));
        }
        if (step instanceof Drill.Handle h) return List.of("handle", Integer.toString(h.slot()), h.open() ? "open" : "close");
        if (step instanceof Drill.Remove r) return List.of(r.planned() ? "pull" : "yank", Integer.toString(r.slot()));
        if (step instanceof Drill.Link l) return List.of("link", Integer.toString(l.slot()), Integer.toString(l.port()), l.up() ? "up" : "down");
        if (step instanceof Drill.Path p) return List.of("path", Integer.toString(p.slot()), Integer.toString(p.port()), p.up() ? "up" : "down");
        if (step instanceof Drill.Aer e) return List.of("aer", Integer.toString(e.slot()), Integer.toString(e.port()), e.kind(), Integer.toString(e.count()));
        throw new IllegalArgumentException("not a physical step: " + step);
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "%04x", v);
    }

    @Override
    public void insert(Drill.Insert card) throws StepFailed {
        run(words(card));
    }

    @Override
    public void handle(int slot, boolean open) throws StepFailed {
        run(words(new Drill.Handle(slot, open)));
    }

    @Override
    public void remove(int slot, boolean planned) throws StepFailed {
        run(words(new Drill.Remove(slot, planned)));
    }

    @Override
    public void link(int slot, int port, boolean up) throws StepFailed {
        run(words(new Drill.Link(slot, port, up)));
    }

    @Override
    public void path(int slot, int port, boolean up) throws StepFailed {
        run(words(new Drill.Path(slot, port, up)));
    }

    @Override
    public void aer(int slot, int port, String kind, int count) throws StepFailed {
        run(words(new Drill.Aer(slot, port, kind, count)));
    }

    private void run(List<String> words) throws StepFailed {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(words);
        String what = program + " " + String.join(" ", words);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new StepFailed(what + ": cannot run it: " + e.getMessage());
        }
        // Read while it runs: a program that writes more than a pipe holds would otherwise never end.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> tail(p.getInputStream()));
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                // The program first, then what it started (listed before: orphans are no
                // descendants): a shell that outlived its child would add its own "Killed" line.
                List<ProcessHandle> started = p.descendants().toList();
                p.destroyForcibly();
                p.waitFor();
                started.forEach(ProcessHandle::destroyForcibly);
                throw new StepFailed(what + ": no answer within " + DrillRunner.seconds(limit.toMillis()) + " (killed)" + lastLine(output));
            }
            int status = p.exitValue();
            if (status != 0) throw new StepFailed(what + ": exit status " + status + lastLine(output));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StepFailed(what + ": interrupted");
        }
    }

    /** The last {@link #KEPT_OUTPUT} bytes of a stream, read to its end. */
    private static String tail(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                kept.write(buf, 0, n);
                if (kept.size() > 2 * KEPT_OUTPUT) {
                    byte[] all = kept.toByteArray();
                    kept.reset();
                    kept.write(all, all.length - KEPT_OUTPUT, KEPT_OUTPUT);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(CompletableFuture<String> output) {
        String text;
        try {
            text = output.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return "";
        }
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "" : ": " + last;
    }
}
