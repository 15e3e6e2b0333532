package had.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.ini4j.Ini;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated configuration files, from the shipped ones: whatever the input, the loader
 * returns a configuration or errors, never throws, never reports an internal error, and puts every
 * error on a line the file has. Runs on a thread with a small stack, so any recursion that grows
 * with the input (CVE-2022-41404 is such a recursion in ini4j's Profile) would overflow it.
 */
class ConfigFuzzTest {
    private static final long SEED = 0x8216_2012L;
    private static final int ROUNDS = 30_000;
    private static final int SMALL_STACK = 256 * 1024;
    private static final Path HAD = Path.of("fuzz/had.conf");
    private static final Path DRIVERS = Path.of("fuzz/pcidrivers.conf");

    private static final String[] TOKENS = {
        "[", "]", "=", ":", ";", "#", "\\", "${", "}", "/", ",", " ", "\t", "\r", "\n", "\r\n", "\u0000",
        "\uFEFF", "\uFFFD", "\uD800", "é", "[bond bond0]", "[config c]", "[slot 2]", "[domains]", "[slot 99]",
        "mode = 4", "miimon = 100", "arp_interval = 500", "arp_ip_target = 10.0.0.1", "primary = slot 2 port 0",
        "bond = bond0", "vlan = 4094", "address = 10.0.1.1/24", "netmask = 255.0.255.0", "0 = config2",
        "99999999999999999999", "-1", "0x10", "1e3", "<include.ini>", "<?file:/etc/passwd>", "${a}", "${a/b}",
        "${bond bond0/mode}", "@env/HOME", "@prop/user.home", "8086:10d3", "ffff:ffff", "e1000e", "../../x",
        "path_targets = 10.0.1.100, fd00:1::100", "path_interval = 20", "path_missed = 3", "path_answered = 2",
        "::ffff:10.0.1.1", "fe80::1%eth0", "::", "1:2:3:4:5:6:7:8:9", "2001:db8::10.0.0.1", "[fd00::1]",
    };

    private static final List<String> HAD_CORPUS = new ArrayList<>();
    private static String driversSeed;

    @BeforeAll
    static void corpus() throws IOException {
        HAD_CORPUS.add(Files.readString(ShippedConfigTest.HAD_CONF));
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("conf/examples"), "*.conf")) {
            for (Path p : dir) HAD_CORPUS.add(Files.readString(p));
        }
        HAD_CORPUS.add(ConfigTestSupport.VALID);
        driversSeed = Files.readString(ShippedConfigTest.DRIVERS);
    }

    @Test
    void mutatedFilesNeverBreakTheLoader() throws Exception {
        Random random = new Random(SEED);
        int[] outcomes = new int[2];
        onSmallStack(() -> {
            for (int round = 0; round < ROUNDS; round++) {
                String had = mutate(HAD_CORPUS.get(random.nextInt(HAD_CORPUS.size())), random);
                String drivers = random.nextInt(4) == 0 ? mutate(driversSeed, random) : driversSeed;
                outcomes[check(had, drivers, round) ? 0 : 1]++;
            }
        });
        // The mutations must exercise both outcomes, or the test proves little.
        assertTrue(outcomes[0] > ROUNDS / 100, "valid outcomes: " + outcomes[0]);
        assertTrue(outcomes[1] > ROUNDS / 2, "invalid outcomes: " + outcomes[1]);
    }

    @Test
    void randomTextNeverBreakTheLoader() throws Exception {
        Random random = new Random(SEED + 1);
        onSmallStack(() -> {
            for (int round = 0; round < 5_000; round++) {
                StringBuilder sb = new StringBuilder();
                int n = random.nextInt(60);
                for (int i = 0; i < n; i++) {
                    sb.append(random.nextBoolean() ? TOKENS[random.nextInt(TOKENS.length)] : (char) random.nextInt(0x3000));
                }
                check(sb.toString(), sb.toString(), round);
            }
        });
    }

    @Test
    void deeplyNestedReferencesAreJustText() throws Exception {
        onSmallStack(() -> {
            for (int depth : new int[] {1, 10, 100, 240, 10_000, 200_000}) {
                String nested = "${a/".repeat(depth) + "x" + "}".repeat(depth);
                String had = ConfigTestSupport.VALID.replace("miimon = 100", "miimon = " + nested);
                LoadResult r = new ConfigLoader().parse(HAD, had, DRIVERS, driversSeed);
                assertNull(r.config());
                assertEquals(4, r.errors().get(0).line(), r.errors().toString());
                // Self-referencing and mutually referencing values, which ini4j's fetch() would chase forever.
                String loop = "[bond bond0]\nmode = ${bond bond0/mode}\nmiimon = ${bond bond0/updelay}\n"
                        + "updelay = ${bond bond0/miimon}\n";
                check(loop + nested, driversSeed, depth);
            }
        });
    }

    @Test
    void hugeLinesAndHugeFiles() throws Exception {
        onSmallStack(() -> {
            String huge = "x".repeat(ConfigFile.MAX_BYTES - 100);
            check(ConfigTestSupport.VALID + "key = " + huge + "\n", driversSeed, 1);
            check("[" + huge + "]\n" + ConfigTestSupport.VALID, driversSeed, 2);
            check(ConfigTestSupport.VALID, "8086:10d3 " + huge + "\n", 3);
            LoadResult tooBig = new ConfigLoader().parse(HAD, huge + huge, DRIVERS, driversSeed);
            assertEquals(0, tooBig.errors().get(0).line());
            check("\n".repeat(200_000) + ConfigTestSupport.VALID, driversSeed, 4);
        });
    }

    /**
     * Why none of the above goes through ini4j's Ini: one self-reference is enough to send its
     * fetch() into unbounded recursion. Kept as evidence that the fuzz inputs do reach the hazard.
     */
    @Test
    void ini4jFetchIsTheHazardTheLoaderAvoids() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                Ini ini = new Ini(new StringReader("[a]\nx = ${a/x}\n"));
                ini.fetch("a", "x");
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "ini4j-fetch", SMALL_STACK);
        t.start();
        t.join();
        assertTrue(thrown.get() instanceof StackOverflowError, String.valueOf(thrown.get()));
    }

    /** Loads one input and checks the loader's promises; true when the input was valid. */
    private static boolean check(String had, String drivers, int round) {
        LoadResult r;
        try {
            r = new ConfigLoader().parse(HAD, had, DRIVERS, drivers);
        } catch (Throwable e) {
            throw new AssertionError("round " + round + " threw on:\n" + abbreviate(had), e);
        }
        assertEquals(r.ok(), r.errors().isEmpty());
        if (r.ok()) assertNotNull(r.config().drivers());
        int hadLines = ConfigFile.lines(had).length;
        int driverLines = ConfigFile.lines(drivers).length;
        for (ConfigError e : r.errors()) {
            assertFalse(e.message().contains("internal error"), () -> "round " + round + ": " + e + "\n" + abbreviate(had));
            int max = e.file().equals(HAD) ? hadLines : driverLines;
            assertTrue(e.line() >= 0 && e.line() <= Math.max(max, 1), () -> "round " + round + ": line out of file: " + e);
        }
        return r.ok();
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(10)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                case 2 -> {
                    int other = random.nextInt(lines.size());
                    String s = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, s);
                }
                case 3 -> lines.set(at, replaceChar(lines.get(at), random));
                case 4 -> lines.set(at, insertToken(lines.get(at), random));
                case 5 -> lines.add(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 6 -> lines.set(at, lines.get(at).replaceAll("[0-9]+", String.valueOf(random.nextInt(70_000) - 5)));
                case 7 -> {
                    int depth = 1 + random.nextInt(random.nextInt(10) == 0 ? 5_000 : 50);
                    lines.add(at, "k" + depth + " = " + "${s/".repeat(depth) + "}".repeat(depth));
                }
                case 8 -> lines.set(at, lines.get(at) + (random.nextInt(20) == 0 ? "z".repeat(100_000) : " ; note"));
                default -> {
                    String s = lines.get(at);
                    lines.set(at, s.substring(0, random.nextInt(s.length() + 1)));
                }
            }
            if (lines.isEmpty()) lines.add("");
        }
        return String.join(random.nextInt(10) == 0 ? "\r\n" : "\n", lines);
    }

    private static String replaceChar(String line, Random random) {
        if (line.isEmpty()) return line;
        int at = random.nextInt(line.length());
        String token = TOKENS[random.nextInt(TOKENS.length)];
        return line.substring(0, at) + token.charAt(random.nextInt(token.length())) + line.substring(at + 1);
    }

    private static String insertToken(String line, Random random) {
        int at = random.nextInt(line.length() + 1);
        return line.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + line.substring(at);
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "... (" + s.length() + " chars)" : s;
    }

    private static void onSmallStack(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "config-fuzz", SMALL_STACK);
        t.start();
        t.join();
        if (failure.get() instanceof AssertionError a) throw a;
        if (failure.get() != null) fail(failure.get());
    }
}
