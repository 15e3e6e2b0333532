package had.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a configuration file into text, or says why it could not. The size cap keeps a wrong
 * path (a log, a disk image) from being slurped into memory: real files are a few kilobytes.
 */
final class ConfigFile {
    static final int MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    static Optional<String> read(Path file, Diagnostics d) {
        try {
            if (Files.isDirectory(file)) {
                d.error(0, "is a directory, not a file: name the file itself");
                return Optional.empty();
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                d.error(0, "is " + size + " bytes; a configuration file is a few kilobytes"
                        + " (limit " + MAX_BYTES + "): is this the right file?");
                return Optional.empty();
            }
            return Optional.of(decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            d.error(0, "no such file: create it (conf/ has commented examples) or name another one");
        } catch (AccessDeniedException e) {
            d.error(0, "permission denied: make it readable by the user running had (root)");
        } catch (IOException | SecurityException e) {
            d.error(0, "cannot read: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Bytes that are not UTF-8 become U+FFFD: harmless in comments, and rejected anywhere else. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError("REPLACE never throws", e);
        }
    }

    /** The physical lines as BufferedReader splits them (\n, \r\n or \r), so numbers agree with ini4j's. */
    static String[] lines(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int start = 0;
        int n = text.length();
        int lf = -2;
        int cr = -2;
        while (start < n) {
            // Each search resumes only once passed, so a file without any '\r' is still scanned once.
            if (lf != -1 && lf < start) lf = text.indexOf('\n', start);
            if (cr != -1 && cr < start) cr = text.indexOf('\r', start);
            int end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
            if (end < 0) {
                out.add(text.substring(start));
                break;
            }
            out.add(text.substring(start, end));
            start = end + (text.startsWith("\r\n", end) ? 2 : 1);
        }
        return out.toArray(new String[0]);
    }
}
