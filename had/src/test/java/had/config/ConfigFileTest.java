package had.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Line splitting must agree with BufferedReader's, which is what ini4j counts lines with. */
class ConfigFileTest {

    private static String[] reference(String text) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new StringReader(text));
        for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
        return lines.toArray(new String[0]);
    }

    @Test
    void splitsLikeBufferedReader() throws IOException {
        Random random = new Random(42);
        char[] alphabet = {'a', '\n', '\r', ' ', 'b'};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) sb.append(alphabet[random.nextInt(alphabet.length)]);
            String text = sb.toString();
            assertArrayEquals(reference(text), ConfigFile.lines(text), () -> text.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    @Test
    void linearInTheNumberOfLines() {
        String many = "k = v\n".repeat(200_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(200_000, ConfigFile.lines(many).length));
    }
}
