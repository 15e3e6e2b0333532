package had.network.linux;

import had.network.NetworkException;
import java.util.ArrayList;
import java.util.List;

/** iproute2 through a CommandRunner: a failed command is an error with the command and ip's own words. */
final class Ip {
    private final String program;
    private final CommandRunner runner;

    Ip(String program, CommandRunner runner) {
        this.program = program;
        this.runner = runner;
    }

    String run(String subject, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        CommandRunner.Result r = runner.run(argv);
        if (!r.ok()) {
            String words = r.stderr().trim().isEmpty() ? r.stdout().trim() : r.stderr().trim();
            throw new NetworkException(subject + ": " + String.join(" ", argv) + " failed (exit " + r.exitCode()
                    + "): " + words);
        }
        return r.stdout();
    }
}
