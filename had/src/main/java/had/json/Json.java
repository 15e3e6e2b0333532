package had.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON had needs for its audit log, state dumps and control protocol: objects keep
 * their key order (records must hash the same way every time), numbers are longs or doubles.
 * The parser bounds nesting (a value inside more than {@value #MAX_DEPTH} arrays or objects is
 * refused), because what it reads may come from a client or a damaged file; the length of what
 * it is given is bounded by whoever reads it (the control socket's request line, the audit log's
 * record line).
 */
public final class Json {
    static final int MAX_DEPTH = 32;

    private Json() {}

    // ---- writing ------------------------------------------------------------------------

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    public static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
            sb.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
            else sb.append(d);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            for (Object o : it) {
                if (!first) sb.append(',');
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Enum<?> e) {
            string(sb, e.name());
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // Half a surrogate pair is no character (RFC 8259 8.2) and has no UTF-8 form: it is
                    // written as the replacement character, so what is written reads back.
                    boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                            && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (lone) sb.append("\\ufffd");
                    else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    // ---- reading ------------------------------------------------------------------------

    /** Parses one JSON value; throws {@link JsonException} saying where the text is wrong. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.pos != text.length()) throw p.error("unexpected text after the value");
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) throw new JsonException("expected a JSON object");
        return (Map<String, Object>) v;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        JsonException error(String what) {
            return new JsonException(what + " at character " + (pos + 1));
        }

        void ws() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            if (pos >= s.length()) throw error("unexpected end of text");
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object(depth);
                case '[': return array(depth);
                case '"': return str();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("expected " + word);
            pos += word.length();
            return v;
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            ws();
            if (peek('}')) return m;
            while (true) {
                ws();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a key");
                String k = str();
                ws();
                expect(':');
                ws();
                if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
                m.put(k, value(depth + 1));
                ws();
                if (peek('}')) return m;
                expect(',');
            }
        }

        List<Object> array(int depth) {
            List<Object> l = new ArrayList<>();
            pos++;
            ws();
            if (peek(']')) return l;
            while (true) {
                ws();
                l.add(value(depth + 1));
                ws();
                if (peek(']')) return l;
                expect(',');
            }
        }

        boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!peek(c)) throw error("expected '" + c + "'");
        }

        String str() {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw error("control character in string");
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        char u = hex4();
                        if (Character.isHighSurrogate(u)) {
                            // RFC 8259 8.2: a surrogate pair is two escapes; half of one is no character.
                            if (!s.startsWith("\\u", pos)) throw error("lone surrogate \\u" + Integer.toHexString(u));
                            pos += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) throw error("lone surrogate \\u" + Integer.toHexString(u));
                            sb.append(u).append(low);
                        } else if (Character.isLowSurrogate(u)) {
                            throw error("lone surrogate \\u" + Integer.toHexString(u));
                        } else {
                            sb.append(u);
                        }
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        /** The four hex digits of a \\u escape (no sign, no fewer: Integer.parseInt would take "+fff"). */
        char hex4() {
            if (pos + 4 > s.length()) throw error("short \\u escape");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0 || s.charAt(pos + i) > 'f') throw error("bad \\u escape");
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        /**
         * RFC 8259's number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. An integer
         * is a Long, anything else a Double; one beyond their range is an error, not a rounding.
         */
        Object number() {
            int start = pos;
            peek('-');
            if (peek('0')) {
                if (digit()) throw numberError(start, "leading zero");
            } else if (!digits()) {
                throw numberError(start, "no digits");
            }
            boolean integer = true;
            if (peek('.')) {
                integer = false;
                if (!digits()) throw numberError(start, "no digits after '.'");
            }
            if (peek('e') || peek('E')) {
                integer = false;
                if (!peek('+')) peek('-');
                if (!digits()) throw numberError(start, "no digits in the exponent");
            }
            String t = s.substring(start, pos);
            if (integer) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException x) {
                    throw numberError(start, "out of range");
                }
            }
            double d = Double.parseDouble(t);
            if (Double.isInfinite(d)) throw numberError(start, "out of range");
            return d;
        }

        private boolean digit() {
            return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
        }

        private boolean digits() {
            int from = pos;
            while (digit()) pos++;
            return pos > from;
        }

        private JsonException numberError(int start, String why) {
            int end = pos;
            while (end < s.length() && "0123456789.eE+-".indexOf(s.charAt(end)) >= 0) end++;
            String t = s.substring(start, end);
            pos = start;
            return error("bad number '" + t + "' (" + why + ")");
        }
    }
}
