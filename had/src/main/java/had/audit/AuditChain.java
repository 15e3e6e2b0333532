package had.audit;

import had.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/** How records are chained: shared by the writer and by every reader that verifies. */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    /** Fields the log itself sets; events may not use these names. */
    public static final Set<String> RESERVED = Set.of("v", "seq", "time", "mono", "run", "type", "prev", "hash");

    private AuditChain() {}

    /** SHA-256 (hex) of a record's text without its hash field: {@code {...,"prev":"..."}}. */
    public static String hashOf(String bodyWithoutHash) {
        return AuditLog.hex(AuditLog.sha256().digest(bodyWithoutHash.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The text a stored line's hash was computed over: the line without its trailing
     * {@code ,"hash":"<64 hex>"}, closed again. Null when the line does not end that way.
     */
    public static String bodyOf(String line) {
        int n = line.length();
        String tail = ",\"hash\":\"";
        int at = n - (tail.length() + 64 + 2);
        if (at < 1 || !line.startsWith(tail, at) || !line.endsWith("\"}")) return null;
        return line.substring(0, at) + "}";
    }

    /** A record as stored: its line (with the trailing newline) and its hash. */
    public record Sealed(String line, String hash) {}

    /**
     * Seals a record whose fields end with {@code prev}: the hash covers the JSON text of every
     * field up to and including {@code prev}; the stored line is that text with the hash appended.
     */
    public static Sealed seal(Map<String, Object> recordWithPrev) {
        String body = Json.write(recordWithPrev);
        String hash = hashOf(body);
        return new Sealed(body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}\n", hash);
    }

    public static String hashField(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }
}
