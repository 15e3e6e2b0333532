package had.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import had.audit.AuditFiles;
import had.audit.LogScript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report is one self-contained page whose timeline shows what the log says; rendered in
 * headless Chromium (Debian package: chromium) when it is installed.
 */
class HtmlReportTest {
    @TempDir
    Path dir;
    Path log;
    String html;

    /** Two runs; bond0 has three outages (one ending while had was away), 10.0.2.1 one; slot 2 is swapped. */
    @BeforeEach
    void render() throws Exception {
        log = dir.resolve("audit.log");
        new LogScript(log).run(0, 1000).start().resync(0)
                .at(1).rec("card.inserted", "slot", 2).rec("slot.state", "slot", 2, "from", "EMPTY", "to", "ACTIVE")
                .rec("card.inserted", "slot", 12).rec("slot.state", "slot", 12, "from", "EMPTY", "to", "ACTIVE")
                .at(2).bond("bond0", true, 4, 4)
                .rec("service.state", "service", "10.0.2.1", "kind", "address", "up", true, "working", 1, "slaves", 1, "expected", 1)
                .at(100).rec("extraction.requested", "slot", 2, "source", "handle", "forced", false, "outcome", "accepted")
                .rec("slot.state", "slot", 2, "from", "ACTIVE", "to", "EXTRACTING").bond("bond0", true, 2, 4)
                .at(101).rec("slot.state", "slot", 2, "from", "EXTRACTING", "to", "SAFE_TO_REMOVE")
                .at(130).rec("card.removed", "slot", 2, "improper", false, "state", "SAFE_TO_REMOVE")
                .rec("slot.state", "slot", 2, "from", "SAFE_TO_REMOVE", "to", "EMPTY")
                .at(200).rec("port.link", "slot", 12, "port", 0, "ifname", "eth2", "carrier", false).bond("bond0", false, 0, 4)
                .at(230).bond("bond0", true, 2, 4)
                .at(300).rec("card.inserted", "slot", 2).rec("slot.state", "slot", 2, "from", "EMPTY", "to", "ACTIVE")
                .bond("bond0", true, 4, 4)
                .at(400).rec("card.removed", "slot", 2, "improper", true, "state", "ACTIVE")
                .rec("slot.state", "slot", 2, "from", "ACTIVE", "to", "EMPTY").bond("bond0", false, 0, 4)
                .rec("service.state", "service", "10.0.2.1", "kind", "address", "up", false, "working", 0, "slaves", 1, "expected", 1)
                .at(410).rec("service.state", "service", "10.0.2.1", "kind", "address", "up", true, "working", 1, "slaves", 1, "expected", 1)
                .at(420).heartbeat().crash()
                .run(500, 3).start().rec("card.inserted", "slot", 12).rec("slot.state", "slot", 12, "from", "EMPTY", "to", "ACTIVE")
                .at(501).resync(1).bond("bond0", true, 2, 4)
                .rec("service.state", "service", "10.0.2.1", "kind", "address", "up", true, "working", 1, "slaves", 1, "expected", 1)
                .at(600).rec("slot.state", "slot", 12, "from", "ACTIVE", "to", "FAILED", "reason", "test")
                .bond("bond0", false, 0, 4)
                .at(650).bond("bond0", true, 2, 4).at(700).stop();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        assertEquals(0, new ReportCommand(() -> Instant.parse("2026-03-02T00:00:00Z"))
                .run(new String[] {"--format", "html", log.toString()}, ps, ps));
        html = o.toString(StandardCharsets.UTF_8);
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void theTimelineShowsWhatTheLogSays() {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(1, count(html, "<svg class=\"timeline\""));
        // bond0: 200 s, 400 s (ended while had was away), 600 s; 10.0.2.1: 400 s.
        assertEquals(4, count(html, "<g class=\"outage-mark\">"), html);
        assertEquals(3, count(html, "<title>outage \\d+ of bond0 "));
        assertEquals(1, count(html, "<title>outage \\d+ of 10\\.0\\.2\\.1 "));
        assertTrue(html.contains(">bond0 (bond)</text>"));
        assertTrue(html.contains(">10.0.2.1 (address)</text>"));
        assertTrue(html.contains(">slot 2</text>") && html.contains(">slot 12</text>"));
        // Slot 2 at 1 s and 300 s, slot 12 at 1 s; finding slot 12's card again at the restart is no insertion.
        assertEquals(3, count(html, "<g class=\"mark-inserted\">"));
        assertEquals(1, count(html, "<g class=\"mark-removed\">"));
        assertEquals(1, count(html, "<g class=\"mark-surprise\">"));
        assertTrue(count(html, "class=\"s-down\"") >= 3);
        assertTrue(count(html, "class=\"s-unknown-had-not-running\"") >= 2, "the gap between the runs, on both services");
        assertTrue(html.contains("class=\"s-safe-to-remove-blue-led\""));
        assertTrue(html.contains("class=\"s-failed\""));
        assertTrue(html.contains("OVER budget"));
        assertTrue(html.contains("ended while had was not running"));
        assertTrue(html.contains("had ended without stopping (crash or power loss) within 60.0 s of its last heartbeat"));
    }

    @Test
    void thePageIsSelfContained() {
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "nothing fetched");
        assertFalse(html.contains("<link"), "no external style sheet");
        assertFalse(html.contains("@import"));
        assertFalse(html.contains("url(http"));
    }

    @Test
    void chromiumRendersIt() throws Exception {
        Path chromium = chromium();
        Assumptions.assumeTrue(chromium != null, "chromium is not installed (Debian package: chromium)");
        Path page = dir.resolve("report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        Path png = dir.resolve("report.png");
        run(chromium, "--screenshot=" + png, "--window-size=1400,1000", page.toUri().toString());
        String keep = System.getProperty("had.screenshot.dir");
        if (keep != null) {
            Files.copy(page, Path.of(keep, "report-test.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(png, Path.of(keep, "report-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(png) > 30_000, "a page with a picture, not a blank one: " + Files.size(png) + " bytes");
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        String dom = run(chromium, "--dump-dom", page.toUri().toString());
        for (String text : List.of("had availability report", "bond0 (bond)", "10.0.2.1 (address)", "slot 12",
                "surprise removal of the card in slot 2", "link down on slot 12 port 0", "slot 12 failed: test",
                "Times had was not running")) {
            assertTrue(dom.contains(text), "the rendered page shows " + text);
        }
        assertEquals(4, count(dom, "class=\"outage-mark\""));
    }

    static Path chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    String run(Path chromium, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void oneRecordStillMakesAPage() throws Exception {
        Path one = dir.resolve("one").resolve("audit.log");
        new LogScript(one).run(0, 1).start().crash();
        Availability.Result r = ReportCommand.compute(AuditFiles.discover(one).files(), null, null, 100,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String page = HtmlReport.render(r, List.of(one), Instant.EPOCH);
        assertTrue(page.contains("</html>"));
    }
}
