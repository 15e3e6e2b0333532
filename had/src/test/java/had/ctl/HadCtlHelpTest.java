package had.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** --help among a command's other arguments (hadctl drill x.drill --help, hadctl extract 3 --help) is help too. */
    @Test
    void helpAmongOtherArgumentsIsHelp() {
        for (String[] args : List.of(new String[] {"drill", "x.drill", "--help"}, new String[] {"extract", "3", "-h"},
                new String[] {"audit", "verify", "--help"})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = HadCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), "/nonexistent/had.sock");
            assertEquals(0, status, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
            String o = out.toString(StandardCharsets.UTF_8);
            assertTrue(o.startsWith("usage: hadctl") && o.contains(" " + args[0] + " "), o);
        }
    }

    /** An unknown command or option is quoted escaped: its bytes do not drive the terminal. */
    @Test
    void anUnknownCommandIsQuotedEscaped() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = HadCtl.run(new String[] {"st\u001b[2Jatus"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "/nonexistent/had.sock");
        assertEquals(2, status);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("unknown command 'st\\x1b[2Jatus'"), e);
        assertFalse(e.contains("\u001b"), e);
    }
}
