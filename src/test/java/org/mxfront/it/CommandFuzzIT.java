// Property-based fuzz of the front door's command loop (jqwik) through a raw socket: random byte
// sessions made of SMTP verbs, separators (CRLF, bare CR/LF, NUL), 8-bit and invalid UTF-8 bytes and
// over-long runs, sent to a running mxfront relaying to smtp-sink. Whatever arrives, mxfront answers
// only with well-formed 2xx-5xx reply lines, closes the connection once the client is done, and
// greets the next client. Tries: jqwik.tries.default (1000; each try is one TCP session).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

class CommandFuzzIT {
    static Path tmp;
    static SmtpSink sink;
    static Mxfront mx;
    static final AtomicInteger TRIES = new AtomicInteger();
    static final Pattern REPLY_LINE = Pattern.compile("[2-5][0-9][0-9]([ -].*)?");

    @BeforeContainer
    static void start() throws Exception {
        tmp = Files.createTempDirectory("mxfront-fuzz");
        sink = SmtpSink.start(tmp);
        mx = Mxfront.start(sink.port, "smtp:\n  command-timeout: 10s\n");
    }

    @AfterContainer
    static void stop() throws Exception {
        if (mx != null) mx.close();
        if (sink != null) sink.close();
        if (tmp != null) {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.out.println("[fuzz] command sessions tried: " + TRIES.get());
    }

    static final List<String> WORDS = List.of("EHLO client.sender.example", "HELO x", "EHLO", "MAIL FROM:<a@sender.example>",
            "MAIL FROM:<>", "MAIL FROM:<a@b> SIZE=99999999999999999999", "RCPT TO:<bob@example.com>", "RCPT TO:<x@elsewhere.example>",
            "RCPT TO:<\"a b\"@example.com> NOTIFY=NEVER", "DATA", ".", "..", "RSET", "NOOP", "QUIT", "VRFY root", "EXPN x",
            "HELP", "STARTTLS", "AUTH PLAIN AGE=", "BDAT 10 LAST", "XCLIENT ADDR=192.0.2.1", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2",
            "Subject: x", "mail from:<A@B.EXAMPLE>", "rcpt to:<bob@example.com>", " ", ":", "<", ">", "@", "=", "\"",
            "j\u00f6rg", "\u5c71", "\ud83d\udce7", "MAIL FROM:<j\u00f6rg@sender.example> SMTPUTF8", "RCPT TO:<bob@example.com>",
            "DATA", "Subject: fuzz", "", "body line", "QUIT");
    static final String PREFIX = "EHLO client.sender.example\r\nMAIL FROM:<a@sender.example>\r\nRCPT TO:<bob@example.com>\r\n";

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Sessions of command lines, most of them well terminated so that sessions get deep (MAIL, RCPT, DATA). */
    @Provide
    Arbitrary<byte[]> sessions() {
        Arbitrary<byte[]> word = Arbitraries.of(WORDS).map(CommandFuzzIT::utf8);
        Arbitrary<byte[]> junk = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(30)),
                Tuple.of(1, Arbitraries.of("h\u00e9llo", "\u00ff\u00fe", "\u0080").map(x -> x.getBytes(StandardCharsets.ISO_8859_1))),
                Tuple.of(1, Arbitraries.of("\u0000", " \u0000 ", "\t", "\u007f", "\u0085", "\ud83d").map(CommandFuzzIT::utf8)),
                Tuple.of(1, Arbitraries.of(600, 1100, 5000).map(n -> utf8(" " + "A".repeat(n)))));
        Arbitrary<byte[]> end = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just("\r\n")),
                Tuple.of(1, Arbitraries.of("\n", "\r", "\r\r\n", "", "\r\n.\r\n", "\n.\n", "\r\n\u0000.\r\n")))
                .map(CommandFuzzIT::utf8);
        Arbitrary<byte[]> line = Combinators.combine(word, junk, end).as(CommandFuzzIT::concat);
        return Combinators.combine(Arbitraries.of(true, false), line.list().ofMaxSize(30)).as((prefix, lines) -> {
            byte[] body = concat(lines.toArray(byte[][]::new));
            return prefix ? concat(utf8(PREFIX), body) : body;
        });
    }

    @BeforeTry
    void count() {
        TRIES.incrementAndGet();
    }

    @Property
    void mxfrontAnswersWithReplyLinesClosesAndKeepsServing(@ForAll("sessions") byte[] input) throws Exception {
        String source = "127.0.0." + (30 + TRIES.get() % 100);
        String received;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", mx.port()), 5000);
            s.setSoTimeout(15_000);
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
                s.shutdownOutput();
            } catch (IOException closedOnUs) {
                // mxfront may hang up before it has read everything (QUIT, PROXY, too many errors, a long line)
            }
            received = readUntilClosed(s.getInputStream());
        }
        assertTrue(received.isEmpty() || received.endsWith("\r\n"), "replies end with CRLF: " + received);
        List<String> lines = received.isEmpty() ? List.of() : List.of(received.split("\r\n"));
        assertTrue(lines.size() >= 1 && lines.get(0).startsWith("220 "), "greeted: " + received);
        for (String line : lines) {
            assertTrue(REPLY_LINE.matcher(line).matches(), "a reply line: [" + line + "] in\n" + received);
            assertTrue(line.indexOf('\r') < 0 && line.indexOf('\n') < 0 && line.indexOf('\u0000') < 0, line);
        }
        // The probe comes from an address of its own per try: a probe that closed a moment ago may still
        // count against the per-client connection limit (5) on a loaded machine, which is not the point here.
        try (SmtpClient next = mx.client("127.0.1." + (1 + TRIES.get() % 200))) {
            assertEquals(List.of("220 mx.test ESMTP mxfront"), next.reply(), "mxfront still serving");
        }
    }

    /** Everything the server sends until it closes; a hang is a failure. */
    static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) got.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("mxfront neither answered nor closed within 15 s; so far:\n"
                    + got.toString(StandardCharsets.UTF_8));
        } catch (java.net.SocketException reset) {
            // closed with a reset after its last reply
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
