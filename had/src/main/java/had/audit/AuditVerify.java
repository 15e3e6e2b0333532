package had.audit;

import had.os.ExitStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hadctl audit verify [FILE...]}: proves an audit log is whole, or names the first record
 * that is not. Every line must be a record (a torn record, see {@link AuditLines}, is noted and
 * passed over: the chain is checked across it); its hash must be the SHA-256 of its text up to its
 * {@code prev}; {@code prev} must be the hash of the record before it and {@code seq} one more
 * than that record's; each rotated file must be linked to the one before it by an
 * {@code audit.rotated} record; torn records kept aside must still be there.
 *
 * <p>A FILE that is a live log (not a rotated file) stands for the whole log: its rotated
 * predecessors, found through the chain, then itself. Exit status 0 intact, 1 broken, 2 usage.
 */
public final class AuditVerify {
    public static final Path DEFAULT_LOG = Path.of("/var/lib/had/audit.log");
    public static final int EXIT_INTACT = ExitStatus.OK;
    public static final int EXIT_BROKEN = ExitStatus.FAILED;
    public static final int EXIT_USAGE = ExitStatus.USAGE;
    public static final String USAGE = """
            usage: hadctl audit verify [FILE...]
              Checks that audit log files are whole and unaltered: every record parses, its hash is
              the SHA-256 of its text, its prev is the hash of the record before it, seq goes up by
              one, rotated files link to each other, torn records kept aside are still there.
              FILE is a live log (default /var/lib/had/audit.log), which stands for it and the files
              it was rotated into, or a rotated file (NAME.<UTC time>). Several FILEs are checked as
              one chain, in the order given; a live log after other FILEs stands only for itself.
              A torn record (one had never finished writing: at the end of a file, or glued before
              the next record) is not part of the chain: it is noted, and the chain checked across it.
            exit status: 0 intact, 1 broken (the first broken record is named as FILE:LINE (seq N)),
                         2 usage error or a FILE that does not exist""";

    public static void main(String[] args) {
        System.exit(new AuditVerify().run(args, System.out, System.err));
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        boolean options = true;
        for (String a : args) {
            if (options && (a.equals("-h") || a.equals("--help"))) {
                out.println(USAGE);
                return EXIT_INTACT;
            } else if (options && a.equals("--")) {
                options = false;
            } else if (options && a.startsWith("-") && a.length() > 1) {
                err.println("hadctl audit verify: unknown option " + a);
                err.println(USAGE);
                return EXIT_USAGE;
            } else {
                files.add(Path.of(a));
            }
        }
        return run(files, out, err);
    }

    public int run(List<Path> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) files = List.of(DEFAULT_LOG);
        List<Path> chain = new ArrayList<>();
        String missing = null;
        Path missingAfter = null;
        List<Path> unlinked = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName() == null ? "" : f.getFileName().toString();
            if (AuditFiles.looksRotated(name) || !chain.isEmpty()) {
                if (!Files.isRegularFile(f)) {
                    err.println("hadctl audit verify: " + f + ": no such file");
                    return EXIT_USAGE;
                }
                chain.add(f);
                continue;
            }
            AuditFiles.LogSet set = AuditFiles.discover(f);
            if (set.files().isEmpty() || set.files().get(0) == null) {
                err.println("hadctl audit verify: " + f + ": no such file");
                return EXIT_USAGE;
            }
            if (set.missing() != null && chain.isEmpty()) {
                missing = set.missing();
                missingAfter = set.files().get(0);
            }
            unlinked.addAll(set.unlinked());
            chain.addAll(set.files());
        }
        ChainCheck c = new ChainCheck(out);
        try {
            c.links(missing, missingAfter, unlinked, chain);
            for (int i = 0; i < chain.size() && c.broken == null; i++) {
                c.file(chain.get(i), i == chain.size() - 1, AuditLines.Parser.FULL, rec -> { });
            }
        } catch (IOException e) {
            err.println("hadctl audit verify: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (c.broken != null) {
            out.println("BROKEN: " + c.broken);
            out.println("(" + c.total + " record(s) before it were intact)");
            return EXIT_BROKEN;
        }
        for (String note : c.notes) out.println("note: " + note);
        out.println("intact: " + c.total + " record(s) in " + chain.size() + " file(s), seq " + c.firstSeq + ".."
                + c.lastSeq + ", last hash " + c.lastHash);
        return EXIT_INTACT;
    }
}
