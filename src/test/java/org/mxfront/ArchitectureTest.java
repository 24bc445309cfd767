// Package arrows point down only, and the engine stands on the catalogue and net/ alone: this test
// reads every reference to org.mxfront.* in src/main/java (imports and names written out inline)
// and fails on an arrow the wrong way, so a helper reaching up into checks/ or a door is caught at
// `mvn test` rather than in review. A plain scanner, no ArchUnit: the rules are few and textual.
package org.mxfront;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * mxfront's layers, top to bottom: doors → engine → checks → helpers → vocabulary and base. A package
 * may use its own layer's packages (helpers use each other, without cycles) and any layer below; never
 * one above.
 * <ol>
 *   <li><b>app</b> ({@code org.mxfront} itself): the daemon and the command line, which wire everything.</li>
 *   <li><b>doors</b>: {@code smtp}, {@code policyserver}, {@code milter}, {@code explain} (which drives the engine
 *       without a socket), {@code api} (the policy store's JSON API, transport-free), and {@code console} (the web
 *       console, a door for people). Doors are equals: none uses another.</li>
 *   <li><b>door</b>: the interface the daemon knows doors by.</li>
 *   <li><b>config</b>: the YAML, bound into checks and policies; each door binds and validates its own sections
 *       through {@code config}'s {@code DoorSection}, which its {@code DoorType} implements (config names no door).</li>
 *   <li><b>checks</b>: {@code checks} and its subpackages, one per check, each implementing the engine's
 *       {@code Check}. The engine runs them (the arrow at run time points from the engine to the checks)
 *       but never names one: it knows them through that interface, which is why {@code policy} sits below
 *       {@code checks} in the import graph.</li>
 *   <li><b>engine</b>: {@code policy}: sessions, stages, verdicts, the decision log; it imports only the
 *       vocabulary and the base.</li>
 *   <li><b>helpers</b>: {@code dns}, {@code greylist}, {@code content}, {@code relay}, {@code address},
 *       {@code metrics}, {@code tls}, {@code dkim}, {@code spf}, {@code dmarc}, {@code lists}, {@code ratelimit},
 *       {@code redis}, {@code recipients}, {@code admin}, {@code store} (the policy store: domains and lists in a database),
 *       {@code spam} (the rspamd and spamd clients):
 *       what checks and doors use, none of them knowing a check or the
 *       engine.</li>
 *   <li><b>vocabulary</b>: {@code mail}: the words every layer shares (an envelope address, the client, its
 *       TLS session, the meter names).</li>
 *   <li><b>base</b>: {@code codes} (the reply catalogue), {@code net} and {@code util} (small pieces with no mail
 *       in them that several helpers share: a lazily opened pool, a periodic loop).</li>
 * </ol>
 * A new package must be given a layer here before it can be used.
 */
class ArchitectureTest {
    private static final List<Set<String>> LAYERS = List.of(
            Set.of(""),
            Set.of("smtp", "policyserver", "milter", "explain", "api", "console"),
            Set.of("door"),
            Set.of("config"),
            Set.of("checks"),
            Set.of("policy"),
            Set.of("dns", "greylist", "content", "relay", "address", "metrics", "tls", "dkim", "spf", "dmarc", "lists", "admin",
                    "ratelimit", "redis", "recipients", "store", "spam"),
            Set.of("mail"),
            Set.of("codes", "net", "util"));
    private static final int DOORS = 1;
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.mxfront\\.([a-z][a-z0-9_]*)\\b(?=\\s*\\.\\s*[A-Za-z*])");

    /** For each file: the top-level packages of ours it refers to (read once, never changed). */
    private static final Map<Path, Set<String>> USES = scan();

    private static Map<Path, Set<String>> scan() {
        Map<Path, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = withoutCommentsAndStrings(Files.readString(f));
                Set<String> used = new TreeSet<>();
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) used.add(m.group(1));
                used.remove(topPackage(f));
                uses.put(f, Set.copyOf(used));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(uses);
    }

    @Test
    void theScanSeesTheSources() {
        assertTrue(USES.size() > 50, "scanned " + SOURCES.toAbsolutePath());
        assertTrue(USES.get(SOURCES.resolve("org/mxfront/policy/PolicyEngine.java")).contains("codes"));
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> missing = new TreeSet<>();
        USES.forEach((f, used) -> {
            if (layer(topPackage(f)) < 0) missing.add(topPackage(f));
            for (String u : used) if (layer(u) < 0) missing.add(u);
        });
        assertTrue(missing.isEmpty(), "packages without a layer (add them to ArchitectureTest.LAYERS): " + missing);
    }

    @Test
    void arrowsPointDownOnly() {
        List<String> wrong = new ArrayList<>();
        USES.forEach((f, used) -> {
            String from = topPackage(f);
            int mine = layer(from);
            for (String to : used) {
                int theirs = layer(to);
                if (mine < 0 || theirs < 0) continue;
                if (theirs < mine) wrong.add(f + ": " + name(from) + " (layer " + mine + ") uses " + to + " (layer " + theirs + ")");
                if (theirs == mine && mine == DOORS) wrong.add(f + ": door " + from + " uses door " + to);
            }
        });
        assertTrue(wrong.isEmpty(), "arrows pointing up or sideways:\n" + String.join("\n", wrong));
    }

    @Test
    void theEngineUsesOnlyTheVocabularyAndTheBase() {
        List<String> wrong = new ArrayList<>();
        USES.forEach((f, used) -> {
            if (!topPackage(f).equals("policy")) return;
            for (String u : used) if (!Set.of("mail", "codes", "net", "util").contains(u)) wrong.add(f + " uses " + u);
        });
        assertTrue(wrong.isEmpty(), "policy/ may import only mail/, codes/, net/ and util/ of ours:\n" + String.join("\n", wrong));
    }

    @Test
    void noHelperVocabularyOrBasePackageKnowsTheEngineOrACheck() {
        int engine = layer("policy");
        List<String> wrong = new ArrayList<>();
        USES.forEach((f, used) -> {
            if (layer(topPackage(f)) <= engine) return;
            for (String u : used) if (u.equals("policy") || u.equals("checks")) wrong.add(f + " uses " + u);
        });
        assertTrue(wrong.isEmpty(), "helpers, mail/, codes/ and net/ know neither the engine nor a check:\n" + String.join("\n", wrong));
    }

    @Test
    void noPackageCycles() {
        Map<String, Set<String>> graph = new TreeMap<>();
        USES.forEach((f, used) -> graph.computeIfAbsent(topPackage(f), k -> new TreeSet<>()).addAll(used));
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> path = cycleFrom(start, start, graph, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (path != null) cycles.add(String.join(" -> ", path));
        }
        assertTrue(cycles.isEmpty(), "package cycles:\n" + String.join("\n", cycles));
    }

    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> graph, List<String> path,
            Set<String> seen) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> found = new ArrayList<>(path);
                found.add(start);
                return found;
            }
            if (!seen.add(next)) continue;
            path.add(next);
            List<String> found = cycleFrom(start, next, graph, path, seen);
            if (found != null) return found;
            path.remove(path.size() - 1);
        }
        return null;
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(pkg)) return i;
        return -1;
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "org.mxfront" : pkg;
    }

    /** {@code smtp} for src/main/java/org/mxfront/smtp/X.java and its subpackages, "" for org/mxfront/X.java. */
    private static String topPackage(Path file) {
        Path rel = SOURCES.resolve("org/mxfront").relativize(file);
        return rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
    }

    /** The source with comments and string and character literals blanked, so javadoc and messages never count. */
    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') j += s.charAt(j) == '\\' ? 2 : 1;
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
