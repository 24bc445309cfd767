// Dialogue tests as data, the way Postfix tests smtpd_check.c with .in scripts and .ref transcripts:
// each file in src/test/resources/dialogues is one case (client lines, the reply lines expected, the
// downstream's events expected), run through the in-memory SMTP door with the production framing;
// where a file has policy or milter lines, the same envelope (and message) also runs through the
// policy door (as Postfix's RCPT requests) or the milter door (as Postfix's milter packets). Adding a case
// is adding a file. Format, one item a line:
//   # comment                      client 192.0.2.7             config <YAML line, laid over the defaults>
//   C: a client line (sent with CRLF; "C:" alone sends an empty line)
//   S: a reply line expected, in order (all of them: the list must match exactly)
//   D: a downstream event expected, in order (when any is given, the list must match exactly)
//   P: the policy door's action= for the dialogue's recipients, in order
//   M: the milter door's answers to the same envelope and message, one line each, in order
//   closed                          the door must have ended the connection
package org.mxfront.dialogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mxfront.milter.MilterDialogue;
import org.mxfront.policyserver.PolicyDialogue;
import org.mxfront.smtp.SmtpDialogue;

class DialogueTest {
    static final Path DIR = Path.of("src/test/resources/dialogues");

    /** One dialogue file, parsed. */
    record Dialogue(String name, String client, String yaml, String clientBytes, List<String> replies, List<String> events,
            List<String> policy, List<String> milter, boolean closed, String helo, String sender, List<String> recipients,
            List<String> message) {

        static Dialogue parse(Path file) throws IOException {
            String client = "192.0.2.7";
            StringBuilder yaml = new StringBuilder();
            StringBuilder bytes = new StringBuilder();
            List<String> replies = new ArrayList<>();
            List<String> events = new ArrayList<>();
            List<String> policy = new ArrayList<>();
            List<String> recipients = new ArrayList<>();
            List<String> milter = new ArrayList<>();
            List<String> message = null;
            String helo = null;
            String sender = null;
            boolean closed = false;
            boolean inData = false;
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) continue;
                if (line.startsWith("client ")) client = line.substring(7).trim();
                else if (line.startsWith("config ")) yaml.append(line.substring(7)).append('\n');
                else if (line.equals("closed")) closed = true;
                else if (line.startsWith("C:")) {
                    String c = line.length() > 2 && line.charAt(2) == ' ' ? line.substring(3) : line.substring(2);
                    bytes.append(c).append("\r\n");
                    String u = c.toUpperCase(Locale.ROOT);
                    if (inData) {
                        if (c.equals(".")) inData = false;
                        else if (message != null) message.add(c.startsWith(".") ? c.substring(1) : c);
                    } else if (u.startsWith("HELO ") || u.startsWith("EHLO ")) {
                        helo = c.substring(5).trim();
                    } else if (u.startsWith("MAIL FROM:")) {
                        sender = path(c.substring(10));
                    } else if (u.startsWith("RCPT TO:")) {
                        recipients.add(path(c.substring(8)));
                    } else if (u.equals("DATA")) {
                        inData = true;
                        if (message == null) message = new ArrayList<>();
                    }
                } else if (line.startsWith("S: ")) replies.add(line.substring(3));
                else if (line.startsWith("D: ")) events.add(line.substring(3));
                else if (line.startsWith("P: ")) policy.add(line.substring(3));
                else if (line.startsWith("M: ")) milter.add(line.substring(3));
                else throw new IllegalArgumentException(file + ":" + n + ": not a dialogue line: " + line);
            }
            return new Dialogue(file.getFileName().toString(), client, yaml.toString(), bytes.toString(), replies, events,
                    policy, milter, closed, helo, sender, recipients, message);
        }

        /** The address in {@code <...>}, parameters dropped. */
        private static String path(String s) {
            int lt = s.indexOf('<');
            int gt = s.indexOf('>', lt + 1);
            return lt < 0 || gt < 0 ? s.trim() : s.substring(lt + 1, gt);
        }
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".dialogue")).sorted().toList();
        }
    }

    @Test
    void theFolderHoldsDialogues() throws IOException {
        assertTrue(files().size() >= 8, "dialogues in " + DIR.toAbsolutePath());
    }

    /** One case a dialogue file that {@code applies}, run by {@code run}. */
    static Stream<DynamicTest> cases(Predicate<Dialogue> applies, Case run) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files()) {
            Dialogue d = Dialogue.parse(f);
            if (applies.test(d)) tests.add(DynamicTest.dynamicTest(d.name(), () -> run.run(d)));
        }
        return tests.stream();
    }

    /** A test body over one dialogue. */
    @FunctionalInterface
    interface Case {
        void run(Dialogue d) throws Exception;
    }

    @TestFactory
    Stream<DynamicTest> smtpDoor() throws IOException {
        return cases(d -> true, d -> {
            SmtpDialogue.Result r = SmtpDialogue.run(d.client(), d.yaml(), d.clientBytes());
            assertEquals(d.replies(), r.replies(), d.name() + ": replies");
            if (!d.events().isEmpty()) assertEquals(d.events(), r.events(), d.name() + ": downstream events");
            if (d.closed()) assertTrue(r.closed(), d.name() + ": the door should have closed the connection");
            else assertFalse(r.closed() && !d.clientBytes().toUpperCase(Locale.ROOT).contains("QUIT\r\n"),
                    d.name() + ": the door closed the connection ('closed' not expected)");
        });
    }

    @TestFactory
    Stream<DynamicTest> policyDoor() throws IOException {
        return cases(d -> !d.policy().isEmpty(), d -> assertEquals(d.policy(),
                PolicyDialogue.actions(d.client(), d.yaml(), d.helo(), d.sender(), d.recipients()), d.name() + ": policy actions"));
    }

    @TestFactory
    Stream<DynamicTest> milterDoor() throws IOException {
        return cases(d -> !d.milter().isEmpty(), d -> assertEquals(d.milter(),
                MilterDialogue.answers(d.client(), d.yaml(), d.helo(), d.sender(), d.recipients(), d.message()),
                d.name() + ": milter answers"));
    }
}
