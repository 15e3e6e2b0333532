package had.network.linux;

import java.util.List;

/** Runs a program with arguments and reports how it ended; tests stub it and record the commands. */
public interface CommandRunner {
    Result run(List<String> argv);

    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
