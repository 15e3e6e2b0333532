package had.drill;

import had.drill.Drill.Action;
import had.drill.Drill.Condition;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a drill file (had/doc/drills.md) whole before anything is done: either every step, or
 * every syntax error as {@code FILE:LINE: message}.
 */
public final class DrillParser {
    /** Slot numbers of a CompactPCI backplane. */
    static final int MAX_SLOT = 21;
    static final Set<String> STATES = Set.of("EMPTY", "INSERTING", "ACTIVE", "EXTRACTING", "SAFE_TO_REMOVE", "FAILED",
            "IGNORED");
    private static final Set<String> OPS = Set.of(">=", "<=", "==", ">", "<");
    private static final Pattern IDS = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::([0-9a-fA-F]{4}):([0-9a-fA-F]{4}))?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

    /** The outcome: a drill, or the errors (never both). */
    public record Result(Drill drill, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** A line that is not a step, with what is wrong. */
    static final class Bad extends Exception {
        Bad(String message) {
            super(message);
        }
    }

    private DrillParser() {}

    /** Parses the bytes of {@code file} (its name is used in messages and records). */
    public static Result parse(String file, byte[] bytes) {
        String sha = sha256(bytes);
        List<String> errors = new ArrayList<>();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new Result(null, List.of(file + ":1: not UTF-8 text"));
        }
        List<Drill.Step> steps = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) continue;
            int number = steps.size() + 1;
            try {
                steps.add(new Drill.Step(number, i + 1, line, action(line.split("\\s+"), number)));
            } catch (Bad e) {
                errors.add(file + ":" + (i + 1) + ": " + e.getMessage());
                steps.add(new Drill.Step(number, i + 1, line, null));
            }
        }
        if (errors.isEmpty() && steps.isEmpty()) errors.add(file + ":1: no steps: a drill needs at least one step");
        return errors.isEmpty() ? new Result(new Drill(file, sha, List.copyOf(steps)), List.of()) : new Result(null, errors);
    }

    /** '#' at the start of a line, or after whitespace, begins a comment. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return line.substring(0, i);
        }
        return line;
    }

    private static Action action(String[] w, int number) throws Bad {
        String verb = w[0];
        switch (verb) {
            case "insert" -> {
                arity(w, 4, "insert SLOT VVVV:DDDD[:SVVV:SDDD] PORTS");
                Matcher m = IDS.matcher(w[2]);
                if (!m.matches()) throw new Bad("'" + w[2] + "' is not a card's PCI ids (VVVV:DDDD or VVVV:DDDD:SVVV:SDDD, hex)");
                int sv = m.group(3) == null ? -1 : Integer.parseInt(m.group(3), 16);
                int sd = m.group(4) == null ? -1 : Integer.parseInt(m.group(4), 16);
                return new Drill.Insert(slot(w[1]), Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16), sv, sd,
                        number(w[3], "port count", 1, 8));
            }
            case "handle" -> {
                arity(w, 3, "handle SLOT open|close");
                return new Drill.Handle(slot(w[1]), choice(w[2], "open", "close"));
            }
            case "yank", "pull" -> {
                arity(w, 2, verb + " SLOT");
                return new Drill.Remove(slot(w[1]), verb.equals("pull"));
            }
            case "link" -> {
                arity(w, 4, "link SLOT PORT up|down");
                return new Drill.Link(slot(w[1]), number(w[2], "port", 0, 7), choice(w[3], "up", "down"));
            }
            case "path" -> {
                arity(w, 4, "path SLOT PORT up|down");
                return new Drill.Path(slot(w[1]), number(w[2], "port", 0, 7), choice(w[3], "up", "down"));
            }
            case "aer" -> {
                arity(w, 5, "aer SLOT PORT correctable|nonfatal|fatal COUNT");
                if (!Set.of("correctable", "nonfatal", "fatal").contains(w[3])) {
                    throw new Bad("'" + w[3] + "': expected correctable, nonfatal or fatal");
                }
                return new Drill.Aer(slot(w[1]), number(w[2], "port", 0, 7), w[3], number(w[4], "error count", 1, 1_000_000));
            }
            case "extract" -> {
                if (w.length < 2 || w.length > 3) throw new Bad("expected: extract SLOT [force|refused]");
                int slot = slot(w[1]);
                if (w.length == 2) return new Drill.Extract(slot, false, false);
                return switch (w[2]) {
                    case "force" -> new Drill.Extract(slot, true, false);
                    case "refused" -> new Drill.Extract(slot, false, true);
                    default -> throw new Bad("'" + w[2] + "': expected force or refused (extract SLOT [force|refused])");
                };
            }
            case "cancel" -> {
                arity(w, 2, "cancel SLOT");
                return new Drill.Cancel(slot(w[1]));
            }
            case "power" -> {
                arity(w, 3, "power SLOT on");
                if (!w[2].equals("on")) throw new Bad("'" + w[2] + "': had powers a slot off only by extracting its card; expected: power SLOT on");
                return new Drill.Admit(slot(w[1]));
            }
            case "clear" -> {
                arity(w, 2, "clear SLOT");
                return new Drill.Clear(slot(w[1]));
            }
            case "admit" -> {
                arity(w, 2, "admit SLOT");
                return new Drill.Admit(slot(w[1]));
            }
            case "sleep" -> {
                arity(w, 2, "sleep DURATION");
                return new Drill.Sleep(duration(w[1]));
            }
            case "expect" -> {
                if (w.length < 2) throw new Bad("expected: expect CONDITION");
                return new Drill.Expect(condition(w, 1, w.length, number));
            }
            case "wait" -> {
                int within = -1;
                for (int i = 1; i < w.length; i++) if (w[i].equals("within")) within = i;
                if (within < 0 || within != w.length - 2) throw new Bad("expected: wait CONDITION within DURATION");
                if (within == 1) throw new Bad("wait for what? expected: wait CONDITION within DURATION");
                long ms = duration(w[w.length - 1]);
                if (ms == 0) throw new Bad("a wait needs a time limit above 0");
                return new Drill.Wait(condition(w, 1, within, number), ms);
            }
            default -> throw new Bad("unknown step '" + verb + "' (steps: insert, handle, yank, pull, link, path, aer, extract, cancel,"
                    + " admit, clear, power, wait, expect, sleep)");
        }
    }

    private static Condition condition(String[] w, int from, int to, int stepNumber) throws Bad {
        String[] c = java.util.Arrays.copyOfRange(w, from, to);
        String text = String.join(" ", c);
        String head = c[0];
        if (head.equals("slot")) {
            if (c.length == 4 && c[2].equals("is")) {
                String state = c[3].toUpperCase(Locale.ROOT);
                if (!STATES.contains(state)) {
                    throw new Bad("'" + c[3] + "' is not a slot state (" + String.join(", ", new java.util.TreeSet<>(STATES)) + ")");
                }
                return new Drill.SlotIs(text, slot(c[1]), state);
            }
            if (c.length == 5 && (c[2].equals("attention") || c[2].equals("led")) && c[3].equals("is")) {
                return new Drill.SlotIndicator(text, slot(c[1]), c[2], choice(c[4], "on", "off"));
            }
            if (c.length == 7 && c[2].equals("port") && c[4].equals("path") && c[5].equals("is")) {
                if (!Set.of("up", "down", "unknown").contains(c[6])) throw new Bad("'" + c[6] + "': expected up, down or unknown");
                return new Drill.PathIs(text, slot(c[1]), number(c[3], "port", 0, 7), c[6]);
            }
            if (c.length == 5 && c[2].equals("card") && c[3].equals("is")) {
                return new Drill.CardAiling(text, slot(c[1]), choice(c[4], "ailing", "trusted"));
            }
            throw new Bad("expected: slot N is STATE, slot N attention|led is on|off, slot N card is ailing|trusted,"
                    + " or slot N port M path is up|down|unknown");
        }
        if (head.equals("bond")) {
            if (c.length < 4) throw new Bad("expected: bond B has OP N working slaves, bond B active is slot N port M, or bond B is up|down|degraded");
            String bond = name(c[1], "bond");
            if (c[2].equals("has")) {
                if (c.length != 7 || !c[5].equals("working") || !(c[6].equals("slaves") || c[6].equals("slave"))) {
                    throw new Bad("expected: bond B has OP N working slaves");
                }
                if (!OPS.contains(c[3])) throw new Bad("'" + c[3] + "' is not a comparison (>=, <=, ==, >, <)");
                return new Drill.BondWorking(text, bond, c[3], number(c[4], "slave count", 0, 1024));
            }
            if (c[2].equals("active")) {
                if (c.length != 8 || !c[3].equals("is") || !c[4].equals("slot") || !c[6].equals("port")) {
                    throw new Bad("expected: bond B active is slot N port M");
                }
                return new Drill.BondActive(text, bond, slot(c[5]), number(c[7], "port", 0, 7));
            }
            if (c[2].equals("is") && c.length == 4) {
                if (!Set.of("up", "down", "degraded").contains(c[3])) throw new Bad("'" + c[3] + "': expected up, down or degraded");
                return new Drill.BondIs(text, bond, c[3]);
            }
            throw new Bad("expected: bond B has OP N working slaves, bond B active is slot N port M, or bond B is up|down|degraded");
        }
        if (head.equals("no") || head.equals("outage")) {
            boolean none = head.equals("no");
            int o = none ? 1 : 0;
            if (c.length < o + 5 || c.length > o + 6 || !c[o].equals("outage") || !c[o + 1].equals("on")
                    || !c[o + 3].equals("since")) {
                throw new Bad("expected: [no] outage on SERVICE since step K|start");
            }
            String service = name(c[o + 2], "service");
            int since;
            if (c.length == o + 5 && c[o + 4].equals("start")) {
                since = 0;
            } else if (c.length == o + 6 && c[o + 4].equals("step")) {
                since = number(c[o + 5], "step", 1, Integer.MAX_VALUE / 2);
                if (since >= stepNumber) {
                    throw new Bad("step " + since + " has not run yet: this is step " + stepNumber
                            + " (since step K names an earlier step, or since start)");
                }
            } else {
                throw new Bad("expected: since step K or since start");
            }
            return new Drill.Outage(text, none, service, since);
        }
        if (head.equals("address")) {
            if (c.length != 4 || !c[2].equals("is")) throw new Bad("expected: address A is up|down");
            return new Drill.AddressIs(text, name(c[1], "address"), choice(c[3], "up", "down"));
        }
        throw new Bad("unknown condition '" + text + "' (conditions: slot ..., bond ..., [no] outage on ..., address ...)");
    }

    private static void arity(String[] w, int n, String form) throws Bad {
        if (w.length != n) throw new Bad("expected: " + form);
    }

    private static int slot(String s) throws Bad {
        return number(s, "slot", 1, MAX_SLOT);
    }

    private static int number(String s, String what, int min, int max) throws Bad {
        if (s.matches("\\d{1,7}")) {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) return n;
            throw new Bad(what + " " + s + " is out of range (" + min + ".." + max + ")");
        }
        throw new Bad("'" + s + "' is not a " + what + " number");
    }

    private static boolean choice(String s, String yes, String no) throws Bad {
        if (s.equals(yes)) return true;
        if (s.equals(no)) return false;
        throw new Bad("'" + s + "': expected " + yes + " or " + no);
    }

    private static String name(String s, String what) throws Bad {
        if (!NAME.matcher(s).matches()) throw new Bad("'" + s + "' is not a " + what + " name");
        return s;
    }

    static long duration(String s) throws Bad {
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) throw new Bad("'" + s + "' is not a duration (e.g. 500ms, 10s, 2m)");
        long n = Long.parseLong(m.group(1));
        long ms = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
        if (ms > 3_600_000) throw new Bad("'" + s + "' is longer than an hour");
        return ms;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
