package had.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control protocol's fixed parts (had/doc/control-protocol.md): one JSON object per line each
 * way, every message carrying the protocol version {@value #VERSION}.
 */
public final class Protocol {
    public static final int VERSION = 1;
    /** Longest request line, newline excluded. A longer one is answered with an error, then closed. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    public static final String BAD_REQUEST = "bad-request";
    public static final String UNSUPPORTED_VERSION = "unsupported-version";
    public static final String UNKNOWN_COMMAND = "unknown-command";
    public static final String FORBIDDEN = "forbidden";
    public static final String TIMEOUT = "timeout";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";
    public static final String BUSY = "busy";
    public static final String UNAVAILABLE = "unavailable";

    private Protocol() {}

    public static Map<String, Object> ok(Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("ok", true);
        m.put("result", result == null ? Map.of() : result);
        return m;
    }

    public static Map<String, Object> error(String code, String message, List<String> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("ok", false);
        m.put("error", message);
        m.put("code", code);
        if (details != null && !details.isEmpty()) m.put("details", details);
        return m;
    }

    public static Map<String, Object> error(ControlException e) {
        return error(e.code(), e.getMessage(), e.details());
    }
}
