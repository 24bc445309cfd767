// The code table in README.md and docs/codes.md is the one `mxfront codes` prints: operators
// publish it, so it must never drift from the catalogue. The ids written in prose beside it (the
// README, mxfront.yml's comments, docs/logging.md) are checked against the catalogue too: a wrong id
// there sends an operator to the wrong entry as surely as a stale table does.
package org.mxfront.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mxfront.checks.CheckTypes;

class CodesDocumentedTest {
    private static final ReplyCatalogue CATALOGUE = ReplyCatalogue.defaults();

    @Test
    void readmeTableMatchesTheCatalogue() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("-->\n", readme.indexOf("<!-- codes:begin")) + 4;
        int end = readme.indexOf("<!-- codes:end -->");
        assertTrue(begin > 4 && end > begin, "README has the codes markers");
        assertEquals(CATALOGUE.markdown(), readme.substring(begin, end),
                "README code table is stale: paste the output of `bin/mxfront codes`");
    }

    @Test
    void docsCodesPageMatchesTheCatalogue() throws Exception {
        assertTrue(Files.readString(Path.of("docs/codes.md")).endsWith(CATALOGUE.markdown()));
    }

    // ---- ids mentioned in prose ----

    /**
     * An id, optionally preceded by the SMTP code and enhanced code it is quoted with
     * ({@code 550 5.7.1 XM-RJCT06}, {@code 550-XM-RJCT06}), optionally a list or range of further
     * numbers ({@code XM-RJCT44/45/46}, {@code XM-RJCT24..30}), optionally followed by its reply
     * text ({@code XM-RJCT06: Unauthorized relay attempt}) or a quote of its title or text.
     */
    private static final Pattern MENTION = Pattern.compile(
            "(?:(?<smtp>[245]\\d\\d)[ -](?:(?<enh>[245]\\.\\d{1,3}\\.\\d{1,3}) )?)?"
                    + "XM-RJCT(?<id>\\d\\d)(?<more>(?:(?:/|\\.\\.)\\d\\d)*)"
                    + "(?:: (?<text>[^\"`|]+)| \"(?<quote>[^\"]+)\")?");
    /** A code key on the same line: {@code code: sbl-listed}. */
    private static final Pattern CODE_KEY = Pattern.compile("\\bcode: ([a-z0-9-]+)");
    /** A mention that names another check's code on purpose: {@code instead of relay's XM-RJCT06}. */
    private static final Pattern OTHER_CHECK = Pattern.compile("([a-z-]+)'s $");

    /** One id written somewhere, with the check whose section or table row it is in (null: none). */
    record Mention(String where, String line, String check, Matcher m, int number) {}

    @Test
    void everyMentionedIdIsTheCatalogueEntryItsLineDescribes() throws IOException {
        List<String> wrong = new ArrayList<>();
        List<Mention> mentions = new ArrayList<>();
        mentions.addAll(yamlMentions(Path.of("config/mxfront.yml")));
        mentions.addAll(markdownMentions(Path.of("README.md")));
        mentions.addAll(markdownMentions(Path.of("docs/logging.md")));
        assertTrue(mentions.size() > 80, "found the mentions: " + mentions.size());
        Map<String, Set<Code>> byCheck = new HashMap<>();
        for (Mention mention : mentions) {
            String why = judge(mention, byCheck);
            if (why != null) wrong.add(mention.where() + ": XM-RJCT" + String.format("%02d", mention.number()) + " " + why
                    + "\n    " + mention.line().strip());
        }
        assertTrue(wrong.isEmpty(), "ids that do not match the catalogue (see `mxfront codes`):\n" + String.join("\n", wrong));
    }

    private static String judge(Mention mention, Map<String, Set<Code>> byCheck) {
        Code code = byNumber(mention.number());
        if (code == null) return "is not in the catalogue";
        if (code.status() != Code.Status.ACTIVE) return "is " + code.status().name().toLowerCase() + ", never sent";
        Matcher m = mention.m();
        boolean first = mention.number() == Integer.parseInt(m.group("id"));
        if (first && m.group("smtp") != null && Integer.parseInt(m.group("smtp")) != code.smtpCode()) {
            return "is written with " + m.group("smtp") + ", the catalogue says " + code.smtpCode() + " (" + code.key() + ")";
        }
        if (first && m.group("enh") != null && !m.group("enh").equals(code.enhanced())) {
            return "is written with " + m.group("enh") + ", the catalogue says " + code.enhanced() + " (" + code.key() + ")";
        }
        Matcher key = CODE_KEY.matcher(mention.line());
        if (key.find() && !key.group(1).equals(code.key())) {
            return "is beside code: " + key.group(1) + ", the catalogue gives it to " + code.key();
        }
        boolean alone = m.group("more").isEmpty(); // after a list or range, ": ..." describes them all
        if (first && alone && m.group("text") != null && !m.group("text").startsWith("...")
                && !templatePattern(code).matcher(m.group("text")).lookingAt()) {
            return "is followed by a text that is not its own: \"" + code.template() + "\"";
        }
        String quote = first ? m.group("quote") : null;
        if (quote != null && !quote.equalsIgnoreCase(code.title()) && !templatePattern(code).matcher(quote).lookingAt()
                && !code.template().contains(quote)) {
            return "is quoted as \"" + quote + "\", which is neither its title nor its text";
        }
        Matcher other = OTHER_CHECK.matcher(mention.line().substring(0, m.start()));
        String check = other.find() && CheckTypes.BY_NAME.containsKey(other.group(1)) ? other.group(1) : mention.check();
        if (check != null && !byCheck.computeIfAbsent(check, CodesDocumentedTest::codesOf).contains(code)) {
            return "(" + code.key() + ") is not a code the " + check + " check gives";
        }
        return null;
    }

    private static Code byNumber(int number) {
        for (Code c : Code.values()) {
            if (c.number() == number) return c;
        }
        return null;
    }

    /** The template as a pattern: literal text, any value for each {variable}. */
    private static Pattern templatePattern(Code code) {
        StringBuilder re = new StringBuilder();
        for (String part : code.template().split("\\{[a-z_]+}", -1)) {
            if (!re.isEmpty()) re.append(".+?");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    /**
     * The codes a check can give: those its package names ({@code Code.RELAY_DENIED}); dnsbl maps
     * answers to any permanent refusal in use by configuration ({@code DnsblConfig.Answer}).
     */
    private static Set<Code> codesOf(String check) {
        Set<Code> codes = EnumSet.noneOf(Code.class);
        String pkg = CheckTypes.BY_NAME.get(check).configType().getPackageName();
        Path dir = Path.of("src/main/java", pkg.replace('.', '/'));
        Pattern ref = Pattern.compile("\\bCode\\.([A-Z][A-Z0-9_]+)\\b");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ref.matcher(Files.readString(f));
                while (m.find()) {
                    for (Code c : Code.values()) if (c.name().equals(m.group(1))) codes.add(c);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (check.equals("dnsbl")) {
            for (Code c : Code.values()) if (c.status() == Code.Status.ACTIVE && c.smtpCode() >= 500) codes.add(c);
        }
        assertTrue(!codes.isEmpty(), "no codes found for check " + check + " in " + dir);
        return codes;
    }

    /** Every id in a line, ranges and lists expanded. */
    private static List<Mention> mentionsIn(String where, String line, String check) {
        List<Mention> out = new ArrayList<>();
        Matcher m = MENTION.matcher(line);
        while (m.find()) {
            Matcher again = MENTION.matcher(line);
            again.find(m.start());
            int n = Integer.parseInt(m.group("id"));
            out.add(new Mention(where, line, check, again, n));
            Matcher more = Pattern.compile("(/|\\.\\.)(\\d\\d)").matcher(m.group("more"));
            while (more.find()) {
                int next = Integer.parseInt(more.group(2));
                for (int i = more.group(1).equals("..") ? n + 1 : next; i <= next; i++) {
                    out.add(new Mention(where, line, check, again, i));
                }
                n = next;
            }
        }
        return out;
    }

    /**
     * The mentions in a Markdown file. A table row whose first cell starts with a check name in
     * backquotes (the README's list of checks) is that check's section.
     */
    private static List<Mention> markdownMentions(Path file) throws IOException {
        List<Mention> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        Pattern row = Pattern.compile("^\\| `([a-z-]+)`");
        boolean table = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("<!-- codes:begin")) table = true;
            if (line.startsWith("<!-- codes:end")) table = false;
            if (table) continue; // the code table itself: readmeTableMatchesTheCatalogue
            Matcher r = row.matcher(line);
            String check = r.find() && CheckTypes.BY_NAME.containsKey(r.group(1)) ? r.group(1) : null;
            out.addAll(mentionsIn(file + ":" + (i + 1), line, check));
        }
        return out;
    }

    /**
     * The mentions in the comments of a YAML file. A comment belongs to the key it is written after
     * on the same line, or to the next key if that key has the comment's indentation, else to the
     * enclosing key: a comment under {@code checks: helo:} is the helo check's.
     */
    private static List<Mention> yamlMentions(Path file) throws IOException {
        List<Mention> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        Pattern key = Pattern.compile("^(\\s*)(?:- )?([a-z0-9-]+):");
        List<String> path = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash < 0) {
                push(key.matcher(line), path, indents);
                continue;
            }
            String before = line.substring(0, hash);
            List<String> section;
            if (before.isBlank()) {
                int indent = hash;
                List<String> p = new ArrayList<>(path);
                List<Integer> in = new ArrayList<>(indents);
                while (!in.isEmpty() && in.get(in.size() - 1) >= indent) {
                    in.remove(in.size() - 1);
                    p.remove(p.size() - 1);
                }
                String next = nextKeyAt(lines, i + 1, indent);
                if (next != null) p.add(next);
                section = p;
            } else {
                push(key.matcher(before), path, indents);
                section = path;
            }
            String check = section.size() >= 2 && section.get(0).equals("checks")
                    && CheckTypes.BY_NAME.containsKey(section.get(1)) ? section.get(1) : null;
            out.addAll(mentionsIn(file + ":" + (i + 1), line, check));
        }
        return out;
    }

    private static void push(Matcher m, List<String> path, List<Integer> indents) {
        if (!m.find()) return;
        int indent = m.group(1).length();
        while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
            indents.remove(indents.size() - 1);
            path.remove(path.size() - 1);
        }
        indents.add(indent);
        path.add(m.group(2));
    }

    /** The key of the first non-comment line after {@code from} if it is indented by exactly {@code indent}. */
    private static String nextKeyAt(List<String> lines, int from, int indent) {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.strip().startsWith("#")) continue;
            Matcher m = Pattern.compile("^(\\s*)([a-z0-9-]+):").matcher(line);
            return m.find() && m.group(1).length() == indent ? m.group(2) : null;
        }
        return null;
    }
}
