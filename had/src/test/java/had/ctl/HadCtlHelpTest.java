package had.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every subcommand answers --help (and -h) on standard output with exit 0, without asking had. */
class HadCtlHelpTest {
    @Test
    void everySubcommandAnswersHelpWithExitZero() {
        List<String> names = HadCtl.commandNames();
        assertTrue(names.containsAll(List.of("status", "slots", "bonds", "extract", "cancel", "insert", "reload", "audit", "report", "drill")),
                names.toString());
        for (String name : names) {
            for (String flag : List.of("--help", "-h")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                int status = HadCtl.run(new String[] {name, flag}, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), "/nonexistent/had.sock");
                String o = out.toString(StandardCharsets.UTF_8);
                assertEquals(0, status, name + " " + flag + ": " + err.toString(StandardCharsets.UTF_8));
                assertTrue(o.startsWith("usage: hadctl") && o.contains(name), name + " " + flag + ": " + o);
                assertEquals("", err.toString(StandardCharsets.UTF_8), name + " " + flag);
            }
        }
    }
}
