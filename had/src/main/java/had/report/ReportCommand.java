package had.report;

import had.audit.AuditFiles;
import had.audit.AuditLines;
import had.json.Json;
import had.os.ExitStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hadctl report [--since T] [--until T] [--format text|json|html] [FILE...]}: availability
 * computed from audit log files by streaming them once, record by record, so memory does not grow
 * with the log. Exit status 0 done, 1 a file could not be read or holds a line that is not a
 * record, 2 usage.
 */
public final class ReportCommand {
    public static final Path DEFAULT_LOG = Path.of("/var/lib/had/audit.log");
    /** Columns of the HTML timeline: one per pixel of its plot. */
    public static final int TIMELINE_BUCKETS = HtmlReport.PLOT_WIDTH;
    public static final String USAGE = """
            usage: hadctl report [--since T] [--until T] [--format text|json|html] [FILE...]
                   hadctl report --fleet DIR [--since T] [--until T] [--format text|json|html]
              Availability of every bond and service address, outages with their causes, degraded
              time, hot-swap counts and MTTR per slot, and the projection against five nines
              (5.26 min of downtime a year), from the audit log.
              FILE is a live log (default /var/lib/had/audit.log), which stands for it and the files
              it was rotated into, or rotated files, read in the order given (a live log after other
              FILEs stands only for itself).
              T is an instant (2026-11-22T03:44:46Z), a date (2026-11-22: midnight UTC), a date and
              time in UTC (2026-11-22T03:44), 'now', or relative to now: -90s, -30m, -24h, -7d, -2w.
              The report runs from --since (default: the first record) to --until (default: the last
              record); time had was not running, and time after the last record before --until,
              counts as unknown, and unknown counts against availability.
              --format html writes one self-contained page (no scripts, nothing fetched).
              --fleet DIR: DIR holds one folder per chassis (named after it), each with that
              chassis' audit.log and the files it was rotated into. Every chain is verified as it
              is read; a chassis whose chain is broken or whose log cannot be read is named and
              left out of every figure. The fleet's availability, per service and per chassis
              (worst first), and the longest outages.
            exit status: 0 done (for --fleet: every chassis verified), 1 a file is unreadable or
                         not an audit log (--fleet: a chassis is unverified), 2 usage""";

    private final Supplier<Instant> now;

    public ReportCommand() {
        this(Instant::now);
    }

    /** With the clock that relative times count from. */
    public ReportCommand(Supplier<Instant> now) {
        this.now = now;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        int status = new ReportCommand().run(args, out, System.err);
        out.flush();
        System.exit(status);
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        Instant since = null, until = null;
        String format = "text";
        Path fleet = null;
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return ExitStatus.OK;
                    }
                    case "--fleet" -> fleet = Path.of(value(args, ++i, a));
                    case "--since" -> since = parseTime(value(args, ++i, a), now.get());
                    case "--until" -> until = parseTime(value(args, ++i, a), now.get());
                    case "--format" -> {
                        format = value(args, ++i, a);
                        if (!List.of("text", "json", "html").contains(format)) {
                            throw new IllegalArgumentException("--format takes text, json or html, not '" + format + "'");
                        }
                    }
                    default -> {
                        if (a.startsWith("--since=")) since = parseTime(a.substring(8), now.get());
                        else if (a.startsWith("--until=")) until = parseTime(a.substring(8), now.get());
                        else if (a.startsWith("-") && a.length() > 1) throw new IllegalArgumentException("unknown option " + a);
                        else files.add(Path.of(a));
                    }
                }
            }
            if (since != null && until != null && !until.isAfter(since)) {
                throw new IllegalArgumentException("--until " + until + " is not after --since " + since);
            }
            if (fleet != null && !files.isEmpty()) {
                throw new IllegalArgumentException("--fleet reads the logs in its directory: name no FILE with it");
            }
        } catch (IllegalArgumentException e) {
            err.println("hadctl report: " + e.getMessage());
            err.println(USAGE);
            return ExitStatus.USAGE;
        }
        if (fleet != null) return fleet(fleet, since, until, format, out, err);
        if (files.isEmpty()) files.add(DEFAULT_LOG);
        List<Path> chain = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName() == null ? "" : f.getFileName().toString();
            List<Path> set = AuditFiles.looksRotated(name) || !chain.isEmpty() ? List.of(f) : AuditFiles.discover(f).files();
            if (set.isEmpty() || set.get(0) == null || !Files.isRegularFile(set.get(0))) {
                err.println("hadctl report: " + f + ": no such file");
                return ExitStatus.USAGE;
            }
            chain.addAll(set);
        }
        try {
            Availability.Result r = compute(chain, since, until, format.equals("html") ? TIMELINE_BUCKETS : 0, err);
            switch (format) {
                case "json" -> out.println(JsonReport.render(r));
                case "html" -> out.print(HtmlReport.render(r, chain, now.get()));
                default -> out.print(TextReport.render(r, ZoneOffset.UTC, true));
            }
            out.flush();
            return ExitStatus.OK;
        } catch (IOException e) {
            err.println("hadctl report: " + e.getMessage());
            return ExitStatus.FAILED;
        }
    }

    private int fleet(Path dir, Instant since, Instant until, String format, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("hadctl report: --fleet " + dir + ": no such directory");
            return ExitStatus.USAGE;
        }
        Fleet.Result r;
        try {
            r = Fleet.compute(dir, since, until, Runtime.getRuntime().availableProcessors());
        } catch (IOException e) {
            err.println("hadctl report: " + dir + ": " + e.getMessage());
            return ExitStatus.FAILED;
        }
        switch (format) {
            case "json" -> out.println(FleetReport.json(r));
            case "html" -> out.print(FleetReport.html(r, now.get()));
            default -> out.print(FleetReport.text(r));
        }
        out.flush();
        for (Fleet.Chassis c : r.unverified()) err.println("hadctl report: " + c.name() + " is not counted: " + c.unverified());
        return r.unverified().isEmpty() ? ExitStatus.OK : ExitStatus.FAILED;
    }

    /**
     * Streams {@code files} through {@link Availability}. With {@code buckets > 0} it also draws a
     * timeline, whose range it takes from the first and last records (read from the files' ends,
     * not by reading everything twice).
     */
    public static Availability.Result compute(List<Path> files, Instant since, Instant until, int buckets,
                                              PrintStream warnings) throws IOException {
        Timeline timeline = null;
        if (buckets > 0 && !files.isEmpty()) {
            Map<String, Object> first = AuditFiles.firstRecord(files.get(0));
            String lastLine = AuditFiles.lastWholeLine(files.get(files.size() - 1));
            if (first != null && lastLine != null) {
                Instant a = Instant.parse(String.valueOf(first.get("time")));
                Map<String, Object> lastRec = AuditLines.record(lastLine);
                Instant b = lastRec == null ? a : Instant.parse(String.valueOf(lastRec.get("time")));
                if (since != null && since.isAfter(a)) a = since;
                if (until != null) b = until;
                timeline = new Timeline(Availability.Nanos.of(a), Availability.Nanos.of(b), buckets);
            }
        }
        Availability av = new Availability(since, until, timeline);
        long[] lastSeq = {-1};
        for (Path f : files) {
            AuditLines.read(f, READER, e -> {
                if (e instanceof AuditLines.Torn t) {
                    warnings.println("hadctl report: " + f + ":" + t.line() + ": torn record left out (not part of the chain)");
                    return true;
                }
                if (e instanceof AuditLines.Bad b) throw new IOException(f + ":" + b.line() + ": not an audit record: " + b.error());
                long n = e.line();
                Map<String, Object> rec = ((AuditLines.Record) e).fields();
                if (!(rec.get("mono") instanceof Number) || rec.get("time") == null || rec.get("run") == null) {
                    throw new IOException(f + ":" + n + ": not an audit record (no time, mono or run)");
                }
                if (rec.get("seq") instanceof Number s) {
                    long seq = s.longValue();
                    if (lastSeq[0] >= 0 && seq != lastSeq[0] + 1) {
                        warnings.println("hadctl report: " + f + ":" + n + ": seq " + seq + " follows " + lastSeq[0]
                                + "; run 'hadctl audit verify' to check the log");
                    }
                    lastSeq[0] = seq;
                }
                try {
                    av.accept(rec);
                } catch (RuntimeException ex) {
                    throw new IOException(f + ":" + n + ": cannot use this record: " + ex);
                }
                return true;
            });
        }
        return av.finish();
    }

    /** Records as the reports read them: lightly where {@link #light} can, else parsed whole. */
    static final AuditLines.Parser READER = line -> {
        Map<String, Object> rec = light(line);
        return rec != null ? rec : Json.parseObject(line);
    };

    /**
     * The few fields {@link Availability} uses of a record whose other fields it ignores, taken
     * from the line as had writes it without parsing all of it; null when the record needs a full
     * parse (its fields are used, or the line is not in had's own layout).
     */
    static Map<String, Object> light(String line) {
        int ty = line.indexOf(",\"type\":\"");
        if (ty < 0) return null;
        int tyEnd = line.indexOf('"', ty + 9);
        if (tyEnd < 0) return null;
        String type = line.substring(ty + 9, tyEnd);
        if (Availability.FIELDS_USED.contains(type)) return null;
        int ti = line.lastIndexOf("\"time\":\"", ty);
        int mo = line.lastIndexOf(",\"mono\":", ty);
        int ru = line.lastIndexOf(",\"run\":\"", ty);
        if (ti < 0 || mo < 0 || ru < 0 || !line.startsWith(AuditLines.RECORD_START)) return null;
        // A torn record glued before a whole one: its fields are not the record's.
        if (line.indexOf(AuditLines.RECORD_START, 1) > 0) return null;
        int tiEnd = line.indexOf('"', ti + 8);
        int ruEnd = line.indexOf('"', ru + 8);
        long mono;
        try {
            mono = Long.parseLong(line, mo + 8, line.indexOf(',', mo + 8), 10);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return null;
        }
        if (tiEnd < 0 || ruEnd != ty - 1) return null;
        Map<String, Object> m = new java.util.HashMap<>(8);
        m.put("type", type);
        m.put("time", line.substring(ti + 8, tiEnd));
        m.put("mono", mono);
        m.put("run", line.substring(ru + 8, ruEnd));
        if (type.equals("daemon.heartbeat")) {
            int iv = line.indexOf(",\"interval_ms\":", tyEnd);
            if (iv < 0) return null;
            int ivEnd = iv + 15;
            while (ivEnd < line.length() && Character.isDigit(line.charAt(ivEnd))) ivEnd++;
            try {
                m.put("interval_ms", Long.parseLong(line, iv + 15, ivEnd, 10));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        int sq = line.indexOf("\"seq\":");
        if (sq > 0 && sq < ti) {
            int sqEnd = line.indexOf(',', sq + 6);
            try {
                m.put("seq", Long.parseLong(line, sq + 6, sqEnd, 10));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                return null;
            }
        }
        return chained(line, m) ? m : null;
    }

    /** The chain's tail of had's layout: ...,"prev":"<64 hex>","hash":"<64 hex>"} */
    private static final int CHAIN_TAIL = ",\"prev\":\"".length() + 64 + "\",\"hash\":\"".length() + 64 + "\"}".length();

    /**
     * Adds what a chain check needs of a lightly read record ({@code v}, {@code prev}, {@code hash};
     * see {@link had.audit.ChainCheck}); false when the line is not in had's own layout, or the
     * record is one whose other fields the check reads (a rotation's link, a torn record set aside).
     */
    private static boolean chained(String line, Map<String, Object> m) {
        Object type = m.get("type");
        if ("audit.rotated".equals(type) || "audit.torn-tail".equals(type)) return false;
        int n = line.length();
        int v = AuditLines.RECORD_START.length();
        if (n < CHAIN_TAIL + v || !line.startsWith(",\"prev\":\"", n - CHAIN_TAIL)
                || !line.startsWith("\",\"hash\":\"", n - CHAIN_TAIL + 73) || !line.endsWith("\"}")) {
            return false;
        }
        int vEnd = line.indexOf(',', v);
        try {
            m.put("v", Long.parseLong(line, v, vEnd, 10));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return false;
        }
        m.put("prev", line.substring(n - CHAIN_TAIL + 9, n - CHAIN_TAIL + 73));
        m.put("hash", line.substring(n - 66, n - 2));
        return true;
    }

    private static final Pattern RELATIVE = Pattern.compile("-(\\d+)([smhdw])");

    /** An instant, a date (midnight UTC), a UTC date and time, 'now', or -N{s,m,h,d,w} before now. */
    public static Instant parseTime(String t, Instant now) {
        String v = t.trim();
        if (v.equals("now")) return now;
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + t + "' is not a time: use an instant (2026-11-22T03:44:46Z), a date"
                    + " (2026-11-22), 'now', or a time before now (-24h, -7d)");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].isEmpty()) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    static String percent(double a) {
        return String.format(Locale.ROOT, "%.5f%%", a * 100);
    }
}
