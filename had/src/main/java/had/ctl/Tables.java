package had.ctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Plain-text tables for people: columns as wide as their widest cell, the last one unpadded. */
final class Tables {
    private final List<String[]> rows = new ArrayList<>();

    Tables(String... header) {
        rows.add(header);
    }

    void row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = String.valueOf(cells[i]);
        rows.add(r);
    }

    void print(PrintStream out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                if (i == cols - 1) sb.append(r[i]);
                else sb.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** "3d 04:05:06", "04:05:06". */
    static String duration(long seconds) {
        long d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
        String hms = String.format("%02d:%02d:%02d", h, m, s);
        return d > 0 ? d + "d " + hms : hms;
    }
}
