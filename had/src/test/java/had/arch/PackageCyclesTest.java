package had.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout shows the architecture only if dependencies go one way: no two packages of
 * had's main code reach each other, directly or around a loop (a sub-package counts as its own).
 */
class PackageCyclesTest {
    private static final Path MAIN = Path.of("had/src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package (had(?:\\.[a-z0-9]+)*);", Pattern.MULTILINE);
    /** An import or a qualified name in the code: had.pkg.Type. */
    private static final Pattern USE = Pattern.compile("\\b(had(?:\\.[a-z0-9]+)+)\\.[A-Z]");

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher pm = PACKAGE.matcher(text);
                if (!pm.find()) continue;
                String pkg = pm.group(1);
                Set<String> uses = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(text.substring(pm.end()));
                while (m.find()) if (!m.group(1).equals(pkg)) uses.add(m.group(1));
            }
        }
        return g;
    }

    /** A loop of packages, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> g) {
        Map<String, Integer> state = new TreeMap<>();
        for (String start : g.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(g, start, state, path);
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> visit(Map<String, Set<String>> g, String p, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return List.of();
        if (s != null && s == 1) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
            loop.add(p);
            return loop;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : g.getOrDefault(p, Set.of())) {
            List<String> found = visit(g, q, state, path);
            if (!found.isEmpty()) return found;
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
        return List.of();
    }

    @Test
    void noPackageReachesBackToItself() throws IOException {
        Map<String, Set<String>> g = graph();
        assertTrue(g.containsKey("had.core") && g.containsKey("had.ctl") && g.containsKey("had.drill"), g.keySet().toString());
        assertEquals(List.of(), cycle(g), "a loop of package dependencies");
    }

    @Test
    void theCheckFindsALoop() {
        Map<String, Set<String>> g = new TreeMap<>(Map.of("had.a", Set.of("had.b"), "had.b", Set.of("had.c"), "had.c", Set.of("had.a")));
        assertEquals(List.of("had.a", "had.b", "had.c", "had.a"), cycle(g));
    }
}
