package had.ctl;

import had.drill.CommandPerformer;
import had.drill.DrillRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code hadctl drill FILE [--non-interactive] [--performer PROGRAM]}: the command line of a drill run (had.drill). */
final class DrillCommand {
    private DrillCommand() {}

    /** Parses the command line and runs the drill; the exit status is the run's. */
    static int run(HadCtl.Context ctx, List<String> args) throws HadCtl.UsageException {
        String file = null;
        boolean nonInteractive = false;
        Path program = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--non-interactive")) {
                nonInteractive = true;
            } else if (a.equals("--performer") || a.startsWith("--performer=")) {
                String p = a.equals("--performer") ? (++i < args.size() ? args.get(i) : "") : a.substring("--performer=".length());
                program = performerProgram(p);
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new HadCtl.UsageException("drill: unknown option " + a);
            } else if (file != null) {
                throw new HadCtl.UsageException("drill takes one FILE");
            } else {
                file = a;
            }
        }
        if (file == null) throw new HadCtl.UsageException("drill needs a FILE, e.g. hadctl drill conf/drills/planned-swap.drill");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path chosen = program;
        DrillRunner.PerformerChoice choice = chosen != null ? (status, interactive) -> new CommandPerformer(chosen)
                : DrillRunner.defaultChoice(in, ctx.out);
        DrillRunner r = new DrillRunner(ctx::call, ctx.out, ctx.err, choice);
        return r.run(Path.of(file), !nonInteractive && System.console() != null);
    }

    /** {@code --performer}'s program: checked before anything is done, so a typo is a usage error, not a failed step. */
    static Path performerProgram(String p) throws HadCtl.UsageException {
        if (p.isEmpty()) throw new HadCtl.UsageException("drill: --performer needs a PROGRAM that does the physical steps");
        Path program = Path.of(p);
        if (!Files.isRegularFile(program)) throw new HadCtl.UsageException("drill: --performer " + p + ": no such program");
        if (!Files.isExecutable(program)) throw new HadCtl.UsageException("drill: --performer " + p + ": not executable (chmod +x)");
        return program;
    }
}
