package had.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ini4j.Config;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.spi.IniParser;

/**
 * Reads had.conf into sections and entries with exact line numbers, through ini4j's streaming
 * parser only. ini4j 0.5.4 is unmaintained and its Profile.fetch() recurses without bound on
 * nested {@code ${...}} references (CVE-2022-41404): nothing here builds an Ini/Wini/Profile,
 * nothing resolves references; a value is the literal text of its line.
 */
final class IniReader {
    private IniReader() {
    }

    static List<IniSection> read(String content, Diagnostics d) {
        IniLines lines = IniLines.scan(content, d);
        LineTrackingHandler handler = new LineTrackingHandler(lines.significant());
        try {
            new StrictIniParser().parse(new StringReader(lines.textForParser()), handler);
        } catch (InvalidFileFormatException e) {
            // The pre-scan blanks every line ini4j would reject, so this means the two disagree.
            d.error(handler.nextLine(), "syntax error: " + e.getMessage());
        } catch (IOException e) {
            throw new AssertionError("a StringReader does not fail", e);
        }
        if (handler.desyncLine() >= 0) {
            d.error(handler.desyncLine(), "internal error: the INI parser read this line differently"
                    + " from the line scanner; simplify the line and report it");
        }
        return handler.sections();
    }

    /**
     * ini4j's parser with every Config flag pinned. {@code new Config()} starts from the
     * {@code org.ini4j.config.*} system properties, and {@code IniParser.newInstance()} picks the
     * parser class from a system property too: a stray -D must not change how had reads its file.
     */
    static final class StrictIniParser extends IniParser {
        StrictIniParser() {
            setConfig(strictConfig());
        }

        static Config strictConfig() {
            Config c = new Config();
            c.setInclude(false);          // "<file>" lines would make ini4j open arbitrary URLs
            c.setEscape(false);           // values are addresses and names; a malformed unicode escape would even throw
            c.setEscapeKeyOnly(false);
            c.setEscapeNewline(false);    // continuation lines would break line numbering
            c.setGlobalSection(false);    // options before any [section] are errors, not a "?" section
            c.setGlobalSectionName("?");
            c.setUnnamedSection(false);
            c.setEmptyOption(false);      // a bare word is a mistake, not a key without value
            c.setEmptySection(true);
            c.setLowerCaseOption(false);  // keys are matched exactly, with suggestions when wrong
            c.setLowerCaseSection(false);
            c.setMultiOption(true);       // only matters to Profile; duplicates are found by had
            c.setMultiSection(true);
            c.setStrictOperator(false);
            c.setTree(false);
            c.setPathSeparator('/');
            c.setPropertyFirstUpper(false);
            c.setComment(false);
            c.setHeaderComment(false);
            c.setFileEncoding(StandardCharsets.UTF_8);
            c.setLineSeparator("\n");
            return c;
        }
    }
}
