package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Syntax errors and line numbering of had.conf. */
class IniSyntaxTest extends ConfigTestSupport {

    @Test
    void validFileHasNoErrorsNorWarnings() {
        assertValid(VALID);
        assertEquals(List.of(), warnings(VALID));
    }

    @Test
    void lineWithoutOperator() {
        assertErrors(VALID + "garbage line\n",
                "had.conf:14: 'garbage line' is neither 'key = value', a [section] nor a comment:"
                        + " add '= value' or start the line with '#' to comment it out");
    }

    @Test
    void keyBeforeAnySection() {
        assertErrors("mode = active-backup\n" + VALID,
                "had.conf:1: 'mode' is outside any section: put it under the section it belongs to"
                        + " ([domains], [hotswap], [metrics], [bond NAME], [config NAME] or [slot N])");
    }

    @Test
    void emptyKey() {
        assertErrors(VALID + "= 5\n", "had.conf:14: nothing before '=': write 'key = value'");
    }

    @Test
    void unclosedHeaderDoesNotFileItsKeysUnderThePreviousSection() {
        // Without the placeholder section, "0 = slave" would be reported as a second port 0 of slot 12.
        assertErrors(VALID + "[slot 3\n0 = slave\n",
                "had.conf:14: section header [slot 3 has no closing ']': write it as [TYPE NAME]");
    }

    @Test
    void emptyHeader() {
        assertErrors(VALID + "[ ]\n", "had.conf:14: empty section header []: write [domains], [hotswap], [metrics], [bond NAME],"
                + " [config NAME] or [slot N]");
    }

    @Test
    void backslashIsRefused() {
        assertErrors(VALID.replace("miimon = 100", "miimon = 100\\"),
                "had.conf:4: backslash in a line: had.conf has no escapes or line continuations;"
                        + " write the value plainly on one line");
    }

    @Test
    void hugeLine() {
        assertErrors(VALID + "# fine\nx = " + "9".repeat(5000) + "\n",
                "had.conf:15: line is 5004 characters long (limit 1024): had.conf lines are short;"
                        + " is this the right file?");
    }

    @Test
    void referencesAreNotExpanded() {
        assertErrors(VALID.replace("miimon = 100", "miimon = ${bond/miimon}"),
                "had.conf:4: miimon = ${bond/miimon}: ${...} references are not expanded in had.conf;"
                        + " write the value itself");
    }

    @Test
    void emptyValue() {
        assertErrors(VALID.replace("miimon = 100", "miimon ="),
                "had.conf:4: miimon has no value: write miimon = VALUE, or remove the line");
    }

    @Test
    void duplicateKeyIsReportedAtTheSecondLine() {
        assertErrors(VALID.replace("miimon = 100", "miimon = 100\nmiimon = 200"),
                "had.conf:5: duplicate key 'miimon' in [bond bond0]: it is already set at line 4;"
                        + " keep one of the two");
    }

    @Test
    void lineNumbersSurviveCommentsBlankLinesCrLfCrAndBom() {
        String text = "\uFEFF# head\r\n\r\n; more\r[bond bond0]   ; trailing\r\n"
                + "address = 10.0.1.1/24 # the service address\n\n\n"
                + "mode = active-backup\r\nmiimon = 10x\n";
        // line 1 BOM+comment, 2 blank, 3 comment (CR), 4 header, 5 address, 6-7 blank, 8 mode, 9 miimon
        List<String> errors = errors(text);
        assertEquals("had.conf:9: miimon = 10x is not a whole number: write a plain decimal number of"
                + " milliseconds, e.g. miimon = 100", errors.get(0));
    }

    @Test
    void colonIsAnOperatorToo() {
        // ini4j splits at ':' as well as '='; had takes what ini4j takes.
        assertValid(VALID.replace("miimon = 100", "miimon: 100"));
    }

    @Test
    void semicolonInsideAWordIsNotAComment() {
        assertErrors(VALID.replace("miimon = 100", "miimon = 100;5"),
                "had.conf:4: miimon = 100;5 is not a whole number: write a plain decimal number of"
                        + " milliseconds, e.g. miimon = 100");
    }

    @Test
    void everySyntaxErrorIsReportedNotJustTheFirst() {
        List<String> errors = errors("bad\n" + VALID + "also bad\n[x\n");
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("had.conf:1: "));
        assertTrue(errors.get(1).startsWith("had.conf:15: "));
        assertTrue(errors.get(2).startsWith("had.conf:16: "));
    }

    @Test
    void includeLinesAreNotFollowed() {
        // With ini4j's include option a line "<file>" would open that URL; here it is just a bad line.
        write("other.conf", "[slot 5]\n0 = plain\n");
        List<String> errors = errors(VALID + "<other.conf>\n");
        assertEquals(List.of("had.conf:14: '<other.conf>' is neither 'key = value', a [section] nor a"
                + " comment: add '= value' or start the line with '#' to comment it out"), errors);
    }
}
