package had.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the benchmarks keep the audit logs they write: a directory on the disk the build runs
 * from (target/, never /tmp, which is a tmpfs on many machines), and the file system it is on, so
 * a figure measured where an fsync costs nothing is not taken for one measured where it costs.
 */
final class BenchDisk {
    /** File systems in memory: an fsync there proves nothing about a disk. */
    static final Set<String> IN_MEMORY = Set.of("tmpfs", "ramfs", "devtmpfs");

    private BenchDisk() {}

    /** A fresh directory under {@code had.bench.dir} (default target/). */
    static Path newDir(String prefix) {
        try {
            Path base = Path.of(System.getProperty("had.bench.dir", "target")).toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The type of the file system {@code dir} is on (the longest mount point above it), from /proc/mounts. */
    static String fsType(Path dir) {
        String best = "unknown";
        int bestLen = -1;
        try {
            Path real = dir.toRealPath();
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length < 3) continue;
                Path mount = Path.of(f[1].replace("\\040", " "));
                if (real.startsWith(mount) && f[1].length() > bestLen) {
                    best = f[2];
                    bestLen = f[1].length();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return best;
    }

    static boolean onDisk(String fsType) {
        return !IN_MEMORY.contains(fsType) && !fsType.startsWith("unknown");
    }

    /** "ext4 (target/bench-x)": what a figure line says about where it was measured. */
    static String describe(Path dir) {
        String type = fsType(dir);
        return type + (onDisk(type) ? "" : ", IN MEMORY: the fsync costs nothing here") + " at " + dir;
    }
}
