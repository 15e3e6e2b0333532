package had.audit;

import had.os.ExitStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        Checker c = new Checker(out);
        try {
            if (missing != null && !prunedNames(chain).contains(missing)) {
                Map<String, Object> first = AuditFiles.firstRecord(missingAfter);
                c.fail(missingAfter, 1, first == null ? null : first.get("seq"),
                        "the file before it, " + missing + ", is missing (it was not pruned by had: no"
                                + " audit.pruned record names it)"
                                + (unlinked.isEmpty() ? "" : "; older files no longer linked: " + names(unlinked)));
            } else if (!unlinked.isEmpty()) {
                Path u = unlinked.get(unlinked.size() - 1);
                c.fail(u, 1, null, "this rotated file is not linked into the chain of " + chain.get(chain.size() - 1)
                        + ": a file after it is missing");
            }
            for (int i = 0; i < chain.size() && c.broken == null; i++) {
                c.file(chain.get(i), i == chain.size() - 1);
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

    private static String names(List<Path> files) {
        List<String> n = new ArrayList<>();
        for (Path p : files) n.add(p.getFileName().toString());
        return String.join(", ", n);
    }

    /** Files named by audit.pruned records: a cheap scan, run only when a predecessor is missing. */
    private static Set<String> prunedNames(List<Path> files) throws IOException {
        Set<String> out = new HashSet<>();
        for (Path f : files) {
            try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.contains("\"type\":\"audit.pruned\"")) continue;
                    Map<String, Object> rec = AuditLines.record(line);
                    if (rec != null && rec.get("file") != null) out.add(rec.get("file").toString());
                }
            }
        }
        return out;
    }

    /** The chain as read so far, and the first thing wrong with it. */
    private static final class Checker {
        final PrintStream out;
        final List<String> notes = new ArrayList<>();
        String broken;
        long total;
        Long firstSeq;
        long lastSeq;
        String lastHash;
        Path lastFile;
        int filesSeen;

        Checker(PrintStream out) {
            this.out = out;
        }

        void fail(Path file, long line, Object seq, String what) {
            if (broken == null) broken = file + ":" + line + (seq == null ? "" : " (seq " + seq + ")") + ": " + what;
        }

        void file(Path f, boolean last) throws IOException {
            long[] count = {0};
            Long[] fileFirst = {null};
            AuditLines.read(f, AuditLines.Parser.FULL, e -> {
                if (e instanceof AuditLines.Torn t) {
                    notes.add(f + ":" + t.line() + ": a torn record " + (t.where() == AuditLines.Where.END_OF_FILE
                            ? "at the end of the file" : "before the record on the same line")
                            + " (had stopped, or its disk refused the write, while writing it): not part of the chain"
                            + (last && t.where() == AuditLines.Where.END_OF_FILE ? "; had sets it aside at its next start" : ""));
                    return true;
                }
                if (e instanceof AuditLines.Bad b) {
                    fail(f, b.line(), null, "not a JSON record (" + b.error() + ")");
                    return false;
                }
                AuditLines.Record r = (AuditLines.Record) e;
                Map<String, Object> rec = check(f, r.line(), r.text(), r.fields(), count[0] == 0);
                if (rec == null) return false;
                count[0]++;
                total++;
                long seq = ((Number) rec.get("seq")).longValue();
                if (fileFirst[0] == null) fileFirst[0] = seq;
                if (firstSeq == null) firstSeq = seq;
                if ("audit.torn-tail".equals(rec.get("type")) && rec.get("kept_as") != null) {
                    Path side = f.resolveSibling(rec.get("kept_as").toString());
                    if (!Files.isRegularFile(side)) {
                        fail(f, r.line(), seq, "the torn record it kept aside, " + side.getFileName() + ", is missing");
                        return false;
                    }
                    notes.add(side + ": a torn record kept aside at seq " + seq + " (not part of the chain)");
                }
                lastSeq = seq;
                lastHash = (String) rec.get("hash");
                return true;
            });
            if (broken != null) return;
            if (count[0] == 0) {
                if (filesSeen > 0 || lastFile != null) fail(f, 1, null, "empty file");
                else notes.add(f + ": empty");
            }
            out.println(f + ": " + count[0] + " record(s)" + (fileFirst[0] == null ? "" : ", seq " + fileFirst[0] + ".." + lastSeq));
            lastFile = f;
            filesSeen++;
        }

        /** Checks one record; returns it, or null after naming what is wrong. */
        Map<String, Object> check(Path f, long lineNo, String line, Map<String, Object> rec, boolean firstOfFile) {
            Object seqV = rec.get("seq");
            if (!(rec.get("v") instanceof Number v) || v.longValue() != AuditLog.SCHEMA) {
                fail(f, lineNo, seqV, "schema version " + rec.get("v") + " is not one this hadctl reads (1)");
                return null;
            }
            if (!(seqV instanceof Number seqN) || !(rec.get("hash") instanceof String hash)
                    || !(rec.get("prev") instanceof String prev)) {
                fail(f, lineNo, seqV, "a record needs seq, prev and hash");
                return null;
            }
            long seq = seqN.longValue();
            String body = AuditChain.bodyOf(line);
            if (body == null) {
                fail(f, lineNo, seq, "hash is not the record's last field");
                return null;
            }
            if (!AuditChain.hashOf(body).equals(hash) || !hash.equals(AuditChain.hashField(line))) {
                fail(f, lineNo, seq, "hash does not match the record's contents (the record was altered)");
                return null;
            }
            boolean rotated = "audit.rotated".equals(rec.get("type"));
            if (lastHash == null) {
                // The first record checked: the start of the log, or the first file kept after rotation.
                if (rotated) {
                    notes.add(f + " begins after " + rec.get("previous") + " (seq " + rec.get("previous_last_seq")
                            + "), which is not part of this check");
                } else if (seq != 1 || !AuditChain.GENESIS.equals(prev)) {
                    fail(f, lineNo, seq, "the log's first record must be seq 1 with prev " + AuditChain.GENESIS.substring(0, 8)
                            + "...: records before it were removed");
                    return null;
                }
                return rec;
            }
            if (firstOfFile) {
                String prevName = lastFile.getFileName().toString();
                if (!rotated) {
                    fail(f, lineNo, seq, "a file after " + prevName + " must begin with an audit.rotated record"
                            + " linking to it");
                    return null;
                }
                if (!prevName.equals(String.valueOf(rec.get("previous")))) {
                    fail(f, lineNo, seq, "links to " + rec.get("previous") + " but the file before it is " + prevName
                            + " (" + rec.get("previous") + " is missing)");
                    return null;
                }
                Object pls = rec.get("previous_last_seq");
                if (!(pls instanceof Number n) || n.longValue() != lastSeq || !lastHash.equals(rec.get("previous_last_hash"))) {
                    fail(f, lineNo, seq, prevName + " ends at seq " + lastSeq + " but this file says it ended at seq "
                            + pls + ": records were removed from the end of " + prevName + " or it was altered");
                    return null;
                }
            }
            if (seq != lastSeq + 1) {
                fail(f, lineNo, seq, "seq " + seq + " follows seq " + lastSeq + " (expected " + (lastSeq + 1)
                        + "): records are missing, repeated or out of order");
                return null;
            }
            if (!prev.equals(lastHash)) {
                fail(f, lineNo, seq, "prev is not the hash of the record before it (seq " + lastSeq
                        + "): the chain was broken there");
                return null;
            }
            return rec;
        }
    }
}
