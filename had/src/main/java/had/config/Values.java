package had.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Numbers and lists as had.conf writes them: plain decimal, comma-separated. */
final class Values {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]+)\\s*(ms|s|sec|msec)", Pattern.CASE_INSENSITIVE);

    private Values() {
    }

    /**
     * A whole number in [min, max]. "100ms" is refused rather than read as 100: had.conf has one
     * unit per key, and accepting decorations would make "1s" silently mean 1 millisecond.
     */
    static int integer(String key, String text, int min, int max, String unit) throws BadValue {
        return integer(key, text, min, max, unit, Math.max(min, Math.min(max, 100)));
    }

    /** As above, with the value the "write a plain decimal number" hint gives as its example. */
    static int integer(String key, String text, int min, int max, String unit, int example) throws BadValue {
        if (!INTEGER.matcher(text).matches()) {
            Matcher m = WITH_UNIT.matcher(text);
            String hint;
            if (m.matches() && unit.equals("milliseconds")) {
                long ms = Long.parseLong(m.group(1).length() > 9 ? "0" : m.group(1));
                if (m.group(2).toLowerCase(java.util.Locale.ROOT).startsWith("s")) ms *= 1000;
                hint = "write the number of milliseconds alone, e.g. " + key + " = " + ms;
            } else {
                hint = "write a plain decimal number" + (unit.isEmpty() ? "" : " of " + unit)
                        + ", e.g. " + key + " = " + example;
            }
            throw new BadValue(key + " = " + text + " is not a whole number: " + hint);
        }
        String digits = text.charAt(0) == '+' ? text.substring(1) : text;
        long v;
        try {
            v = digits.length() > 12 ? (digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE) : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            v = Long.MAX_VALUE;
        }
        if (v < min || v > max) {
            throw new BadValue(key + " = " + text + " is out of range: use " + min + ".." + max
                    + (unit.isEmpty() ? "" : " (" + unit + ")"));
        }
        return (int) v;
    }

    /** "a, b ,c" -> [a, b, c]; an empty item (",," or a trailing comma) is an error. */
    static List<String> list(String key, String text) throws BadValue {
        List<String> items = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String item = part.trim();
            if (item.isEmpty()) {
                throw new BadValue(key + " = " + text + " has an empty item: separate values with"
                        + " single commas, e.g. " + key + " = a, b");
            }
            items.add(item);
        }
        return items;
    }
}
