package had.audit;

import had.config.ConfigError;
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
 * An audit log's chain, checked record by record as its files are read (had/doc/audit-log.md):
 * schema, hash, prev and seq of every record, the links between rotated files, torn records
 * kept aside. {@code hadctl audit verify} and the fleet report read their files through it, so
 * both hold a chain to the same rules. (The fleet report's light reader takes the fields it needs
 * from a line without parsing all of it as JSON: a line that is not JSON but carries a matching
 * hash passes there, and only there; forging one needs the hash, as any record does.) {@link #broken} names the first thing wrong, as
 * FILE:LINE (seq N): what.
 */
public final class ChainCheck {
    /** Where each file's line goes (null: nowhere). */
    private final PrintStream out;
    final List<String> notes = new ArrayList<>();
    String broken;
    long total;
    Long firstSeq;
    long lastSeq;
    String lastHash;
    private Path lastFile;
    private int filesSeen;

    public ChainCheck(PrintStream out) {
        this.out = out;
    }

    /** The first break found; quoted fields of a damaged or forged record are made printable (ConfigError's rule). */
    public void fail(Path file, long line, Object seq, String what) {
        if (broken == null) {
            broken = ConfigError.printable(file + ":" + line + (seq == null ? "" : " (seq " + seq + ")") + ": " + what);
        }
    }

    private void note(String what) {
        notes.add(ConfigError.printable(what));
    }

    /**
     * Checks one file of the chain, in order; each whole record that checks is handed to
     * {@code then}. {@code parser} may be a light one (see {@link AuditLines.Parser}) as long as
     * the maps it gives hold {@code v}, {@code seq}, {@code prev}, {@code hash} and {@code type},
     * and every field of {@code audit.rotated} and {@code audit.torn-tail} records.
     */
    public void file(Path f, boolean last, AuditLines.Parser parser, java.util.function.Consumer<Map<String, Object>> then)
            throws IOException {
        long[] count = {0};
        Long[] fileFirst = {null};
        AuditLines.read(f, parser, e -> {
            if (e instanceof AuditLines.Torn t) {
                note(f + ":" + t.line() + ": a torn record " + (t.where() == AuditLines.Where.END_OF_FILE
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
                note(side + ": a torn record kept aside at seq " + seq + " (not part of the chain)");
            }
            lastSeq = seq;
            lastHash = (String) rec.get("hash");
            then.accept(rec);
            return true;
        });
        if (broken != null) return;
        if (count[0] == 0) {
            if (filesSeen > 0 || lastFile != null) fail(f, 1, null, "empty file");
            else note(f + ": empty");
        }
        if (out != null) {
            out.println(f + ": " + count[0] + " record(s)" + (fileFirst[0] == null ? "" : ", seq " + fileFirst[0] + ".." + lastSeq));
        }
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
                note(f + " begins after " + rec.get("previous") + " (seq " + rec.get("previous_last_seq")
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

    /** The first thing wrong, or null while the chain is whole. */
    public String broken() {
        return broken;
    }

    public long total() {
        return total;
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * Before any file is read: a first file that names a predecessor ({@code missing}) that is
     * neither there nor pruned by had, or rotated files no longer linked into the chain, break it.
     */
    public void links(String missing, Path missingAfter, List<Path> unlinked, List<Path> chain) throws IOException {
        if (missing != null && !prunedNames(chain).contains(missing)) {
            Map<String, Object> first = AuditFiles.firstRecord(missingAfter);
            fail(missingAfter, 1, first == null ? null : first.get("seq"),
                    "the file before it, " + missing + ", is missing (it was not pruned by had: no"
                            + " audit.pruned record names it)"
                            + (unlinked.isEmpty() ? "" : "; older files no longer linked: " + names(unlinked)));
        } else if (!unlinked.isEmpty()) {
            Path u = unlinked.get(unlinked.size() - 1);
            fail(u, 1, null, "this rotated file is not linked into the chain of " + chain.get(chain.size() - 1)
                    + ": a file after it is missing");
        }
    }

    /** {@link #links} for one live log and the files it was rotated into. */
    public void logSet(AuditFiles.LogSet set) throws IOException {
        links(set.missing(), set.files().get(0), set.unlinked(), set.files());
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
}
