package had.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells a person watching what happened and what had did about it: one line per audit record,
 * in the operator's words. It reads the same records the audit log stores, so what is shown is
 * exactly what was recorded.
 */
public final class Narrator implements Consumer<Map<String, Object>> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private final PrintStream out;

    public Narrator(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(Map<String, Object> r) {
        String line = describe(r);
        if (line == null) return;
        String time = TIME.format(Instant.parse(String.valueOf(r.get("time"))));
        synchronized (out) {
            out.println(time + "  " + line);
        }
    }

    static String describe(Map<String, Object> r) {
        Object slot = r.get("slot");
        String where = slot == null ? "" : "slot " + slot + ": ";
        return switch (String.valueOf(r.get("type"))) {
            case "card.inserted" -> where + (Boolean.FALSE.equals(r.get("powered")) ? "card found powered off (" : "card inserted (")
                    + r.get("functions") + ")";
            case "slot.power-lost" -> where + "POWER LOST while " + r.get("state") + ", with no request";
            case "card.unknown" -> where + "unknown card " + r.get("ids") + " ignored";
            case "card.removed" -> where + (Boolean.TRUE.equals(r.get("improper"))
                    ? "card YANKED without an extraction request (was " + r.get("state") + ")" : "card pulled");
            case "slot.state" -> where + r.get("from") + " -> " + r.get("to")
                    + (r.get("reason") == null ? "" : " (" + r.get("reason") + ")");
            case "core.error" -> "handling of " + r.get("handling") + " STOPPED half way: " + r.get("error");
            case "slot.retry" -> where + r.get("stage") + " FAILED (" + r.get("error") + "); again in " + r.get("retry_ms") + " ms";
            case "slot.in-service" -> where + "in service " + r.get("ms") + " ms after insertion";
            case "slot.power" -> where + "power " + (Boolean.TRUE.equals(r.get("on")) ? "on" : "off")
                    + (r.get("error") == null ? "" : " FAILED: " + r.get("error"));
            case "slot.led" -> where + "blue hot-swap LED " + (Boolean.TRUE.equals(r.get("on")) ? "on: safe to pull" : "off");
            case "slot.attention" -> where + "attention indicator " + (Boolean.TRUE.equals(r.get("on")) ? "on" : "off");
            case "driver.load" -> where + "loaded driver " + r.get("module");
            case "driver.unload" -> where + "unloaded driver " + r.get("module") + " (no card uses it any more)";
            case "driver.error" -> where + "driver " + r.get("module") + " error: " + r.get("error");
            case "port.added" -> where + "port " + r.get("port") + " is " + r.get("ifname") + " (" + r.get("function") + ")";
            case "port.removed" -> where + "port " + r.get("port") + " (" + r.get("ifname") + ") gone";
            case "port.lost" -> where + "port " + r.get("port") + " (" + r.get("ifname") + ") LOST while in service";
            case "port.link" -> where + "port " + r.get("port") + " (" + r.get("ifname") + ") link "
                    + (Boolean.TRUE.equals(r.get("carrier")) ? "up" : "DOWN");
            case "port.unexpected" -> where + r.get("ifname") + ": " + r.get("reason");
            case "extraction.requested" -> where + "extraction requested by " + r.get("source")
                    + (Boolean.TRUE.equals(r.get("forced")) ? " (forced)" : "") + ": " + r.get("outcome");
            case "extraction.cancelled" -> where + "extraction cancelled by " + r.get("source") + ": " + r.get("outcome");
            case "bond.active" -> r.get("bond") + ": active slave -> " + r.get("ifname") + " (" + r.get("reason") + ")";
            case "bond.enslave" -> r.get("bond") + ": enslaved " + r.get("ifname");
            case "bond.release" -> r.get("bond") + ": released " + r.get("ifname");
            case "path.state" -> where + r.get("ifname") + " path " + (Boolean.TRUE.equals(r.get("up"))
                    ? "up (" + r.get("target") + " answers, rtt " + r.get("rtt_us") + " us)"
                    : "DOWN: " + r.get("cause") + (Boolean.TRUE.equals(r.get("carrier")) ? ", link still up" : ", link down too"));
            case "path.all-down" -> r.get("bond") + ": every path is dead (" + r.get("ports") + "): " + r.get("outcome");
            case "path.error" -> r.get("ifname") + ": path supervision FAILED: " + r.get("error");
            case "bond.no-successor" -> r.get("bond") + ": no working slave outside slot " + r.get("slot") + " to take over";
            case "net.change" -> r.get("action").toString();
            case "net.error" -> "FAILED to " + r.get("action") + ": " + r.get("error");
            case "service.state" -> r.get("service") + ": " + (Boolean.TRUE.equals(r.get("up")) ? "UP" : "DOWN")
                    + ("bond".equals(r.get("kind")) ? ", " + r.get("working") + "/" + r.get("expected")
                    + " working slaves" + (r.get("active") == null ? "" : ", active " + r.get("active")) : "");
            case "config.applied" -> "configuration applied (" + r.get("had_conf") + ")";
            case "config.refused" -> "configuration REFUSED on " + r.get("source") + ", the running one stays: " + r.get("errors");
            case "daemon.start" -> "had started (" + r.get("mode") + ")";
            case "daemon.stop" -> "had stopping";
            case "audit.torn-tail" -> "audit log had a torn last line; kept aside as " + r.get("kept_as");
            default -> null;
        };
    }
}
