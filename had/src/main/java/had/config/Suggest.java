package had.config;

import java.util.Collection;

/** "Did you mean ...": the closest of the valid words by edit distance, if it is close enough. */
final class Suggest {
    private Suggest() {
    }

    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        // ifupdown spells bonding options "bond-miimon"; that is the commonest near miss.
        String w = word.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (w.startsWith("bond_") && w.length() > 5) w = w.substring(5);
        for (String c : candidates) {
            int dist = distance(w, c);
            if (dist < bestDistance) {
                best = c;
                bestDistance = dist;
            }
        }
        // Farther than a third of the word is a different word, and a suggestion would mislead.
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** Levenshtein distance; words here are short (and capped), so the quadratic table is fine. */
    static int distance(String a, String b) {
        if (a.length() > 64 || b.length() > 64) return Integer.MAX_VALUE;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
