package had.config;

import java.nio.file.Path;

/**
 * One thing wrong in a configuration file, where it is and what to do about it. {@code line} is
 * 1-based; 0 means the file as a whole (missing, unreadable, too big), which renders without a line
 * number, as compilers and grep do. The message quotes the file's text, which may be anything (a
 * binary file, escape sequences that would drive the operator's terminal): it is made printable
 * here, once for every parser.
 */
public record ConfigError(Path file, int line, String message) {
    /** A quoted run of the file's text longer than this, once escaped, is shortened. */
    static final int QUOTE_MAX = 60;

    public ConfigError {
        message = printable(message);
    }

    @Override
    public String toString() {
        String f = printable(String.valueOf(file)); // a file's name can hold anything too
        return line > 0 ? f + ":" + line + ": " + message : f + ": " + message;
    }

    /**
     * Control characters (C0, DEL, C1), bidirectional overrides and bytes that were not UTF-8
     * (decoded as U+FFFD) as escapes ({@code \x1b}, {@code \u202e}); a single-quoted run longer than
     * {@link #QUOTE_MAX} characters once escaped cut to its start and "...".
     */
    public static String printable(String message) {
        StringBuilder out = new StringBuilder(message.length());
        int quoteStart = -1;
        boolean cut = false;
        for (int i = 0; i < message.length(); ) {
            int cp = message.codePointAt(i);
            int at = i;
            i += Character.charCount(cp);
            // A quote opens after a non-word character and closes before one: "bond's" is prose.
            boolean opens = cp == '\'' && quoteStart < 0 && (at == 0 || !Character.isLetterOrDigit(message.codePointBefore(at)));
            boolean closes = cp == '\'' && quoteStart >= 0 && (i == message.length() || !Character.isLetterOrDigit(message.codePointAt(i)));
            if (opens || closes) {
                if (opens) {
                    quoteStart = out.length();
                    cut = false;
                } else {
                    if (cut) out.append("...");
                    quoteStart = -1;
                }
                out.append('\'');
                continue;
            }
            if (quoteStart >= 0 && out.length() - quoteStart > QUOTE_MAX) {
                cut = true;
                continue;
            }
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out.append(String.format("\\x%02x", cp));
            else if (cp == 0xfffd || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) out.append(String.format("\\u%04x", cp));
            else out.appendCodePoint(cp);
        }
        if (quoteStart >= 0 && cut) out.append("...");
        return out.toString();
    }
}
