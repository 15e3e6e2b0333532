package had.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8259, strictly: what the control socket and the audit log reader accept and refuse. */
class JsonTest {
    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "0x10", "1E400", "-1e999",
            "9223372036854775808", "-9223372036854775809", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
            "\"\\ud800x\"", "\"\\u+fff\"", "\"\\u-fff\"", "\"\\u00g1\"", "\"\\u12\"", "\"\\x41\"", "\"a\u0001b\"", "tru", "nul",
            "[1,]", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":1,\"a\":2}", "[1] 2", "", "  ", "{'a':1}", "NaN", "Infinity"})
    void refuses(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().contains("at character"), e.getMessage());
    }

    @Test
    void numbersAreLongsOrFiniteDoubles() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(-2.5e-3, Json.parse("-2.5E-3"));
        assertEquals(100.0, Json.parse("1e2"));
        assertEquals(0.0, Json.parse("1e-400"), "an underflow is zero, as a double has it");
        assertEquals("bad number '01' (leading zero) at character 6", assertThrows(JsonException.class,
                () -> Json.parse("{\"a\":01}")).getMessage());
        assertEquals("bad number '1E400' (out of range) at character 1", assertThrows(JsonException.class,
                () -> Json.parse("1E400")).getMessage());
    }

    @Test
    void surrogatePairsAreOneCharacterAndLoneHalvesAreRefused() {
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("lone surrogate \\ud800 at character 8", assertThrows(JsonException.class,
                () -> Json.parse("\"\\ud800\"")).getMessage());
    }

    @Test
    void nestingIsBounded() {
        // 33 arrays: the innermost inside 32, the most allowed; 34: one too many
        String ok = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        Json.parse(ok);
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertTrue(assertThrows(JsonException.class, () -> Json.parse(deep)).getMessage().startsWith("nesting deeper than 32"));
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\there \"quoted\" back\\slash \u0001 \uD83D\uDE00");
        m.put("lone", "x\uD800y");
        m.put("n", List.of(0L, -7L, Long.MAX_VALUE, 2.5, 1.0E-4));
        m.put("b", true);
        m.put("z", null);
        String text = Json.write(m);
        assertTrue(text.contains("x\\ufffdy"), "half a surrogate pair is written as the replacement character: " + text);
        Map<String, Object> back = new LinkedHashMap<>(m);
        back.put("lone", "x\uFFFDy");
        assertEquals(back, Json.parseObject(text));
    }
}
