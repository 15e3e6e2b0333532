package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A configuration error quotes the file's text escaped and shortened: a binary file or escape sequences cannot drive the terminal. */
class PrintableMessageTest extends ConfigTestSupport {
    @Test
    void controlCharactersAndBidiOverridesAreEscaped() {
        assertEquals(List.of("had.conf:3: mode = active\\x1b[31m-backup\\x07x is not a bonding mode: choose one of balance-rr (0),"
                        + " active-backup (1), balance-xor (2), broadcast (3), 802.3ad (4), balance-tlb (5), balance-alb (6), by name or number"),
                errors(VALID.replace("mode = active-backup", "mode = active\u001b[31m-backup\u0007x")).stream()
                        .filter(e -> e.contains("bonding mode")).toList());
        assertEquals("'a\\u202eb\\x00c\\x9b\\x7f' d\\x09e", ConfigError.printable("'a\u202eb\u0000c\u009b\u007f' d\te"));
    }

    @Test
    void aBinaryFileIsReportedPrintableAndShort() throws Exception {
        byte[] junk = new byte[600];
        new java.util.Random(7).nextBytes(junk);
        java.nio.file.Path bin = dir.resolve("binary.conf");
        Files.write(bin, junk);
        LoadResult r = new ConfigLoader().load(bin, write("pcidrivers.conf", DRIVERS));
        assertTrue(!r.errors().isEmpty());
        for (ConfigError e : r.errors()) {
            String s = e.toString();
            assertTrue(s.codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffd), s);
            assertTrue(s.length() < bin.toString().length() + 260, s.length() + ": " + s);
        }
    }

    @Test
    void proseApostrophesAreNoQuotes() {
        String prose = "the bonding driver gives every slave the bond's MTU; set mtu on [bond bond0] and not on each of the"
                + " ports that had's own configs name, which would fight it";
        assertEquals(prose, ConfigError.printable(prose));
        assertEquals("'it's " + "y".repeat(ConfigError.QUOTE_MAX - 5) + "...' and the bond's", ConfigError.printable("'it's " + "y".repeat(80) + "' and the bond's"));
    }

    @Test
    void aLongQuotedRunIsCut() {
        String msg = ConfigError.printable("'" + "x".repeat(100) + "' is outside any section: put it under 'this'");
        assertEquals("'" + "x".repeat(ConfigError.QUOTE_MAX) + "...' is outside any section: put it under 'this'", msg);
    }
}
