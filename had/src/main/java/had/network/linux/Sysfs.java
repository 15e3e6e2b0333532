package had.network.linux;

import had.network.NetworkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel's files under a root ("/" on a machine, a directory tree in tests): reads that say
 * what they could not read, and writes that carry the kernel's answer. A bonding sysfs write that
 * the driver refuses fails with a bare errno ("Operation not permitted"); the driver's reason is
 * in the kernel log, which the error says.
 */
final class Sysfs {
    /** How one value reaches one file; tests record the writes, a machine writes them. */
    interface Writer {
        void write(Path file, String value) throws IOException;
    }

    /** As echo does it: one write of the value and a newline (an empty value still reaches the driver). */
    static final Writer FILES = (file, value) -> Files.writeString(file, value + "\n", StandardCharsets.US_ASCII,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    private final Path root;
    private final Writer writer;

    Sysfs(Path root, Writer writer) {
        this.root = root;
        this.writer = writer;
    }

    Path path(String relative) {
        return root.resolve(relative);
    }

    String read(String relative) {
        Path p = path(relative);
        try {
            return Files.readString(p, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new NetworkException("cannot read " + p + ": " + reason(e), e);
        }
    }

    /** A value that may be absent or unreadable (carrier of a device that is down answers EINVAL). */
    Optional<String> tryRead(String relative) {
        try {
            return Optional.of(Files.readString(path(relative), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    boolean exists(String relative) {
        return Files.exists(path(relative), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The name a symlink such as /sys/class/net/eth0/master points at, if it exists. */
    Optional<String> linkTarget(String relative) {
        Path p = path(relative);
        if (!Files.isSymbolicLink(p)) return Optional.empty();
        try {
            return Optional.of(Files.readSymbolicLink(p).getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    List<String> list(String relative) {
        try (Stream<Path> s = Files.list(path(relative))) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new NetworkException("cannot list " + path(relative) + ": " + reason(e), e);
        }
    }

    void write(String subject, String relative, String value) {
        Path p = path(relative);
        try {
            writer.write(p, value);
        } catch (IOException e) {
            throw new NetworkException(subject + ": writing '" + value + "' to " + p + " failed: " + reason(e)
                    + " (the driver's reason is in the kernel log)", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
