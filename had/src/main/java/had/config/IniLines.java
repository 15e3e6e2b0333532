package had.config;

import java.util.ArrayList;
import java.util.List;

/**
 * First pass over had.conf, before ini4j sees it. ini4j's handler callbacks carry no line numbers
 * and its parser gives up at the first syntax error, so this pass classifies every physical line
 * with the same rules ini4j applies (trim; '[' starts a section; ';' or '#' first starts a comment;
 * first ':' or '=' splits key from value), reports every syntax error with its line, and hands ini4j
 * a text with the same number of lines in which:
 * <ul>
 * <li>comments, blank and broken lines are empty, so ini4j only ever meets lines it accepts;</li>
 * <li>a broken section header becomes a placeholder header, so the options below it are not
 *     silently filed under the previous section;</li>
 * <li>trailing comments ({@code ; ...} or {@code # ...} after whitespace), which ini4j would keep as
 *     part of the value or reject on a header line, are cut off.</li>
 * </ul>
 * The n-th section or option event ini4j then emits is the n-th entry of {@link #significant()}:
 * that is how events get their exact line numbers (see {@link LineTrackingHandler}).
 */
final class IniLines {
    /** Longer lines are not configuration: a pasted blob, a binary file. */
    static final int MAX_LINE = 1024;
    /** What ini4j gets for a broken header; it reports the section as {@link #PLACEHOLDER_NAME}. */
    static final String PLACEHOLDER_HEADER = "[-]";
    static final String PLACEHOLDER_NAME = "-";

    enum Kind { SECTION, BAD_SECTION, OPTION }

    /** A line ini4j will turn into an event; {@code name} is the header or the key ini4j must report. */
    record Line(int number, Kind kind, String name) {
    }

    private final List<Line> significant = new ArrayList<>();
    private final StringBuilder forParser = new StringBuilder();

    private IniLines() {
    }

    List<Line> significant() {
        return significant;
    }

    /** What ini4j parses: one line per physical line of the file. */
    String textForParser() {
        return forParser.toString();
    }

    static IniLines scan(String content, Diagnostics d) {
        IniLines result = new IniLines();
        String[] lines = ConfigFile.lines(content);
        boolean inSection = false;
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String raw = lines[i];
            if (i == 0 && raw.startsWith("\uFEFF")) raw = raw.substring(1);
            String fed = result.classify(raw, number, inSection, d);
            if (fed.startsWith("[")) inSection = true;
            result.forParser.append(fed).append('\n');
        }
        return result;
    }

    /** Returns the text ini4j gets for this line, recording significant lines and errors. */
    private String classify(String raw, int number, boolean inSection, Diagnostics d) {
        String line = raw.trim();
        if (line.isEmpty() || line.charAt(0) == ';' || line.charAt(0) == '#') return "";
        if (line.length() > MAX_LINE) {
            d.error(number, "line is " + line.length() + " characters long (limit " + MAX_LINE
                    + "): had.conf lines are short; is this the right file?");
            return line.charAt(0) == '[' ? badSection(number) : "";
        }
        line = stripTrailingComment(line);
        if (line.indexOf('\\') >= 0) {
            // ini4j would read a trailing backslash as a line continuation and "\=" as an escaped
            // operator; neither has a use here and both would shift what is on which line.
            d.error(number, "backslash in a line: had.conf has no escapes or line continuations;"
                    + " write the value plainly on one line");
            return line.charAt(0) == '[' ? badSection(number) : "";
        }
        if (line.charAt(0) == '[') {
            if (line.charAt(line.length() - 1) != ']') {
                d.error(number, "section header " + line + " has no closing ']': write it as [TYPE NAME]");
                return badSection(number);
            }
            String header = line.substring(1, line.length() - 1).trim();
            if (header.isEmpty()) {
                d.error(number, "empty section header []: write " + HadConfParser.SHAPES);
                return badSection(number);
            }
            significant.add(new Line(number, Kind.SECTION, header));
            return line;
        }
        int op = operatorIndex(line);
        if (op < 0) {
            d.error(number, "'" + line + "' is neither 'key = value', a [section] nor a comment:"
                    + " add '= value' or start the line with '#' to comment it out");
            return "";
        }
        String key = line.substring(0, op).trim();
        if (key.isEmpty()) {
            d.error(number, "nothing before '" + line.charAt(op) + "': write 'key = value'");
            return "";
        }
        if (!inSection) {
            d.error(number, "'" + key + "' is outside any section: put it under the section it"
                    + " belongs to (" + HadConfParser.SHAPES + ")");
            return "";
        }
        significant.add(new Line(number, Kind.OPTION, key));
        return line;
    }

    private String badSection(int number) {
        significant.add(new Line(number, Kind.BAD_SECTION, PLACEHOLDER_NAME));
        return PLACEHOLDER_HEADER;
    }

    /** ini4j splits at the first ':' or '=' (no backslashes reach this point, so no escapes). */
    static int operatorIndex(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) return colon;
        if (colon < 0) return eq;
        return Math.min(eq, colon);
    }

    /** "miimon = 100   ; ms" -> "miimon = 100". A ';' or '#' glued to text is data, not a comment. */
    static String stripTrailingComment(String line) {
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == ';' || c == '#') && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i).trim();
            }
        }
        return line;
    }
}
