package had.audit;

import had.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * How records are chained: shared by the writer and by every reader that verifies. Readers
 * (hadctl) run with had's own classes only, so nothing here may reach the writer's logging.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    /** Fields the log itself sets; events may not use these names. */
    public static final Set<String> RESERVED = Set.of("v", "seq", "time", "mono", "run", "type", "prev", "hash");

    private AuditChain() {}

    /** SHA-256 (hex) of a record's text without its hash field: {@code {...,"prev":"..."}}. */
    public static String hashOf(String bodyWithoutHash) {
        return hex(sha256().digest(bodyWithoutHash.getBytes(StandardCharsets.UTF_8)));
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

    /** A record as stored: its line's bytes (UTF-8, with the trailing newline) and its hash. */
    public record Sealed(byte[] bytes, String hash) {
        public String line() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Seals a record whose fields end with {@code prev}: the hash covers the JSON text of every
     * field up to and including {@code prev}; the stored line is that text with the hash appended.
     */
    public static Sealed seal(Map<String, Object> recordWithPrev) {
        return seal(recordWithPrev, sha256());
    }

    /** {@link #seal(Map)} with a digest the writer keeps: looking one up for every record costs. */
    static Sealed seal(Map<String, Object> recordWithPrev, MessageDigest sha256) {
        byte[] body = Json.write(recordWithPrev).getBytes(StandardCharsets.UTF_8);
        sha256.reset();
        String hash = hex(sha256.digest(body));
        byte[] tail = (",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(body, body.length - 1 + tail.length);
        System.arraycopy(tail, 0, line, body.length - 1, tail.length);
        return new Sealed(line, hash);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    public static String hashField(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }
}
