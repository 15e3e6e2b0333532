package had.audit;

import had.json.Json;
import had.json.JsonException;
import had.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit log file: one JSON object per line, append-only, each record carrying the SHA-256
 * of the one before it, written and forced to disk before {@link #record} returns.
 *
 * <p>A record's hash covers its own text up to and including its {@code prev} field, so an
 * auditor can recompute every link with nothing but the file (see {@link AuditChain}).
 */
public final class AuditLog implements Audit, AutoCloseable {
    public static final int SCHEMA = 1;

    private final Path file;
    private final Clock clock;
    private final String run = UUID.randomUUID().toString();
    private final FileChannel channel;
    private final List<java.util.function.Consumer<Map<String, Object>>> followers = new ArrayList<>();
    private long seq;
    private String prev = AuditChain.GENESIS;

    public AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            String tornAside = recoverTail();
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (tornAside != null) {
                record(AuditEvent.of("audit.torn-tail").with("kept_as", tornAside)
                        .with("reason", "the last line was incomplete (a crash while writing); kept aside, not mended")
                        .build());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Readers that see each stored record, as a reader of the file would, once it is durable. */
    public synchronized void follow(java.util.function.Consumer<Map<String, Object>> follower) {
        followers.add(follower);
    }

    @Override
    public synchronized void record(AuditEvent event) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("v", SCHEMA);
        rec.put("seq", ++seq);
        rec.put("time", clock.wallTime().toString());
        rec.put("mono", clock.nanos());
        rec.put("run", run);
        rec.put("type", event.type());
        for (Map.Entry<String, Object> f : event.fields().entrySet()) {
            if (AuditChain.RESERVED.contains(f.getKey())) throw new IllegalArgumentException("reserved audit field " + f.getKey());
            rec.put(f.getKey(), f.getValue());
        }
        rec.put("prev", prev);
        String body = Json.write(rec);
        String hash = AuditChain.hashOf(body);
        String line = body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}\n";
        try {
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            seq--;
            throw new UncheckedIOException("cannot write audit log " + file + ": " + e.getMessage(), e);
        }
        prev = hash;
        rec.put("hash", hash);
        for (var f : followers) f.accept(rec);
    }

    public Path file() {
        return file;
    }

    /** This daemon run's id: every record it writes carries it. */
    public String run() {
        return run;
    }

    /**
     * Picks up the chain where the file ends. A last line without its newline is a record torn by
     * a crash: it is moved to a side file (kept for the auditor) and the log continues after the
     * last whole record, so the chain stays verifiable.
     */
    private String recoverTail() throws IOException {
        if (!Files.exists(file)) return null;
        byte[] all = Files.readAllBytes(file);
        int end = all.length;
        String aside = null;
        if (end > 0 && all[end - 1] != '\n') {
            int cut = lastIndexOf(all, end - 1) + 1;
            Path torn = file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis());
            Files.write(torn, java.util.Arrays.copyOfRange(all, cut, end));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
                ch.force(true);
            }
            end = cut;
            aside = torn.getFileName().toString();
        }
        if (end == 0) return aside;
        int start = lastIndexOf(all, end - 2) + 1;
        String last = new String(all, start, end - 1 - start, StandardCharsets.UTF_8);
        try {
            Map<String, Object> rec = Json.parseObject(last);
            seq = ((Number) rec.get("seq")).longValue();
            prev = (String) rec.get("hash");
        } catch (JsonException | ClassCastException | NullPointerException e) {
            throw new IOException("the last record of " + file + " is not a valid audit record ("
                    + e.getMessage() + "); run 'hadctl audit verify' and move the file aside");
        }
        return aside;
    }

    private static int lastIndexOf(byte[] b, int from) {
        for (int i = from; i >= 0; i--) if (b[i] == '\n') return i;
        return -1;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
