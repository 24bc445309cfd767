// The spam check's mapping of a classifier's answer onto verdicts, headers and log notes, against a
// fake backend (a unit test: the real rspamd and spamd are exercised by SpamRspamdIT and SpamSpamdIT),
// and the two protocol clients' parsing: rspamd's JSON as rspamd 3.4 answered it, spamd's answer
// from a loopback socket, and garbage from both, which must be a fault, never a verdict.
package org.mxfront.checks.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.checks.CheckFixtures;
import org.mxfront.codes.Code;
import org.mxfront.policy.AddedHeader;
import org.mxfront.policy.Facts;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Verdict;
import org.mxfront.spam.RspamdClient;
import org.mxfront.spam.SpamAction;
import org.mxfront.spam.SpamBackend;
import org.mxfront.spam.SpamEnvelope;
import org.mxfront.spam.SpamProtocolException;
import org.mxfront.spam.SpamResult;
import org.mxfront.spam.SpamdClient;

class SpamCheckTest {
    static final byte[] MESSAGE = "From: a@sender.example\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A backend that answers what it is told (or throws) and remembers what it got. */
    static final class Fake implements SpamBackend {
        final String name;
        SpamResult answer;
        IOException fault;
        final List<SpamEnvelope> envelopes = new ArrayList<>();
        final List<byte[]> messages = new ArrayList<>();

        Fake(String name) {
            this.name = name;
        }

        @Override
        public String name() { return name; }

        @Override
        public SpamResult check(SpamEnvelope e, InputStream message, long size) throws IOException {
            envelopes.add(e);
            byte[] b = message.readAllBytes();
            assertEquals(size, b.length);
            messages.add(b);
            if (fault != null) throw fault;
            return answer;
        }

        @Override
        public String learn(boolean spam, byte[] message) {
            return "";
        }
    }

    static SpamResult answer(SpamAction a, double score, double required, String... symbols) {
        List<SpamResult.Symbol> s = new ArrayList<>();
        for (String n : symbols) s.add(new SpamResult.Symbol(n, 1.5, List.of("opt")));
        return new SpamResult(a, score, required, s, null, List.of(), List.of());
    }

    static SpamConfig config(String backend, String yamlish) {
        return SpamConfigs.parse(backend, yamlish);
    }

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Facts facts() {
        return CheckFixtures.outsider().withHelo("client.sender.example")
                .withSender(CheckFixtures.mailbox("a@sender.example"), 0)
                .withRecipients(List.of(CheckFixtures.mailbox("bob@example.com"), CheckFixtures.mailbox("carol@example.com")));
    }

    Verdict run(SpamConfig c, Fake backend, Facts f) {
        SpamCheck check = new SpamCheck(c, new SpamCheck.Shared(backend, new SpamMeters(registry)));
        try (MessageCheck.MessageReader r = check.open(f)) {
            for (int off = 0; off < MESSAGE.length; off += 7) r.write(MESSAGE, off, Math.min(7, MESSAGE.length - off));
            return r.finish(f);
        }
    }

    double count(String backend, String action) {
        var c = registry.find("mxfront.spam.results").tag("backend", backend).tag("action", action).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void rejectIsXmRjct84WithScoreAndThresholdAndTheEnvelopeGoesAlong() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.REJECT, 17.34, 15, "GTUBE");
        Facts f = facts();
        Verdict v = run(new SpamConfig(null, null, null, null, null, null, null, null, null, null, null, null, null), b, f);
        assertEquals(new Verdict.Reject(Code.SPAM_REJECTED, Map.of("score", "17.3", "threshold", "15")), v);
        assertEquals(550, v.replyCode());
        assertEquals(new SpamEnvelope("127.0.0.2", "client.sender.example", null, "a@sender.example",
                List.of("bob@example.com", "carol@example.com"), f.state().id(), null, null), b.envelopes.get(0));
        assertEquals(new String(MESSAGE, StandardCharsets.US_ASCII), new String(b.messages.get(0), StandardCharsets.US_ASCII));
        assertEquals(Map.of("spam_score", "17.34", "spam_action", "reject", "spam_symbols", "GTUBE(1.50)"), f.state().notes());
        assertEquals(1, count("rspamd", "reject"));
    }

    @Test
    void replyCode551AsTheSeed() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.REJECT, 20, 15.5);
        Verdict v = run(config("rspamd", "reply-code=551"), b, facts());
        assertEquals(551, v.replyCode());
        assertEquals(Map.of("score", "20.0", "threshold", "15.5"), v.vars());
    }

    @Test
    void softRejectAndGreylistAreXmRjct85() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.SOFT_REJECT, 4, 15);
        assertEquals(Verdict.defer(Code.SPAM_DEFERRED, Map.of("score", "4.0", "threshold", "15")), run(config("rspamd", ""), b, facts()));
        b.answer = answer(SpamAction.GREYLIST, 5, 15);
        assertEquals(Code.SPAM_DEFERRED, run(config("rspamd", ""), b, facts()).code());
        assertEquals(Code.SPAM_DEFERRED.smtpCode(), 451);
        assertEquals("4.7.1", Code.SPAM_DEFERRED.enhanced());
    }

    @Test
    void addHeaderPassesWithRspamdStyleHeadersAndCleanMailGetsThemToo() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.ADD_HEADER, 7.5, 15, "BAYES_SPAM", "RDNS_NONE");
        Facts f = facts();
        assertEquals(Verdict.CONTINUE, run(config("rspamd", ""), b, f));
        List<AddedHeader> h = AddedHeader.take(f.state());
        assertEquals(List.of("X-Spamd-Result", "X-Spam-Status", "X-Rspamd-Action", "X-Spam"), h.stream().map(AddedHeader::name).toList());
        assertEquals("default: True [7.50 / 15.00];\r\n\tBAYES_SPAM(1.50)[opt];\r\n\tRDNS_NONE(1.50)[opt]", h.get(0).value());
        assertEquals("Yes, score=7.50", h.get(1).value());
        b.answer = answer(SpamAction.NO_ACTION, 0.4, 15);
        Facts clean = facts();
        assertEquals(Verdict.CONTINUE, run(config("rspamd", ""), b, clean));
        List<AddedHeader> ch = AddedHeader.take(clean.state());
        assertEquals(List.of("X-Spamd-Result", "X-Spam-Status", "X-Rspamd-Action"), ch.stream().map(AddedHeader::name).toList());
        assertEquals("No, score=0.40", ch.get(1).value());
        Facts none = facts();
        run(config("rspamd", "headers=spam"), b, none);
        assertTrue(AddedHeader.take(none.state()).isEmpty());
    }

    @Test
    void rewriteSubjectReplacesTheSubjectInPlaceOrAddsOne() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.REWRITE_SUBJECT, 9, 15);
        Facts f = facts().withHeaders(new org.mxfront.policy.HeaderSection(List.of(new org.mxfront.policy.HeaderSection.Field("Subject", "hi")), 20));
        assertEquals(Verdict.CONTINUE, run(config("rspamd", ""), b, f));
        assertEquals(List.of(new org.mxfront.policy.ReplacedHeader("Subject", "***SPAM*** hi")), org.mxfront.policy.ReplacedHeader.take(f.state()));
        assertTrue(AddedHeader.take(f.state()).stream().anyMatch(h -> h.name().equals("X-Spam")));
        b.answer = new SpamResult(SpamAction.REWRITE_SUBJECT, 9, 15, List.of(), "[SPAM] hi", List.of(), List.of());
        Facts none = facts();
        run(config("rspamd", ""), b, none);
        assertTrue(AddedHeader.take(none.state()).contains(new AddedHeader("Subject", "[SPAM] hi", 0)));
    }

    @Test
    void thresholdsAndActionsOfTheConfigOverruleRspamdsAction() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.ADD_HEADER, 7.5, 15);
        assertEquals(new Verdict.Reject(Code.SPAM_REJECTED, Map.of("score", "7.5", "threshold", "7")),
                run(config("rspamd", "reject=7,add-header=3"), b, facts()));
        assertEquals(Verdict.CONTINUE, run(config("rspamd", "reject=20,add-header=3"), b, facts()));
        b.answer = answer(SpamAction.REJECT, 30, 15);
        assertEquals(Code.SPAM_DEFERRED, run(config("rspamd", "action:reject=tempfail"), b, facts()).code());
        assertEquals(Verdict.CONTINUE, run(config("rspamd", "action:reject=header"), b, facts()));
    }

    @Test
    void spamdScoresAreMappedByThresholds() {
        Fake b = new Fake("spamd");
        b.answer = answer(SpamAction.ADD_HEADER, 1000, 5, "GTUBE");
        assertEquals(new Verdict.Reject(Code.SPAM_REJECTED, Map.of("score", "1000.0", "threshold", "15")), run(config("spamd", ""), b, facts()));
        b.answer = answer(SpamAction.ADD_HEADER, 6, 5);
        Facts f = facts();
        assertEquals(Verdict.CONTINUE, run(config("spamd", ""), b, f));
        assertEquals("add header", f.state().notes().get("spam_action").replace('-', ' '));
        b.answer = answer(SpamAction.NO_ACTION, 6, 5);
        assertEquals(Code.SPAM_REJECTED, run(config("spamd", "reject=6"), b, facts()).code());
    }

    @Test
    void faultsAcceptCountedOrTempfailNeverA5xx() {
        Fake b = new Fake("rspamd");
        b.fault = new SpamProtocolException("garbage");
        assertEquals(Verdict.CONTINUE, run(config("rspamd", ""), b, facts()));
        assertEquals(Verdict.CONTINUE, run(config("rspamd", ""), b, facts()));
        assertEquals(2, count("rspamd", "failed"));
        assertEquals(Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of()), run(config("rspamd", "on-failure=tempfail"), b, facts()));
    }

    @Test
    void overMaxBytesIsNotSent() {
        Fake b = new Fake("rspamd");
        b.answer = answer(SpamAction.REJECT, 20, 15);
        assertEquals(Verdict.CONTINUE, run(config("rspamd", "max-bytes=20"), b, facts()));
        assertTrue(b.messages.isEmpty());
        assertEquals(1, count("rspamd", "skipped"));
    }

    @Test
    void rspamdsAnswerAsRspamd34GivesIt() throws Exception {
        String json = """
                {"is_skipped":false,"score":4.0,"required_score":15.0,"action":"soft reject","symbols":{"GREYLIST":{"name":"GREYLIST",\
                "score":0.0,"metric_score":0.0,"options":["greylisted","new record"]},"HFILTER_HOSTNAME_UNKNOWN":{"name":\
                "HFILTER_HOSTNAME_UNKNOWN","score":2.5,"metric_score":2.5}},"messages":{"smtp_message":"Try again later"},\
                "message-id":"2@x","time_real":0.62,"milter":{"add_headers":{"X-Spam":{"value":"Yes","order":0},\
                "X-Other":["a",{"value":"b"}]},"remove_headers":{"X-Spam":0}}}""";
        SpamResult r = RspamdClient.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(SpamAction.SOFT_REJECT, r.action());
        assertEquals(4.0, r.score());
        assertEquals(15.0, r.required());
        assertEquals("HFILTER_HOSTNAME_UNKNOWN(2.50),GREYLIST(0.00)", r.symbolsText(5));
        assertEquals(List.of(new SpamResult.Header("X-Spam", "Yes"), new SpamResult.Header("X-Other", "a"),
                new SpamResult.Header("X-Other", "b")), r.addHeaders());
        assertEquals(List.of("X-Spam"), r.removeHeaders());
        for (String bad : List.of("<html>502</html>", "{}", "{\"action\":\"explode\",\"score\":1}", "{\"action\":\"reject\"}",
                "{\"error\":\"bad request\"}", "[1,2]")) {
            assertThrows(SpamProtocolException.class, () -> RspamdClient.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void spamdOverASocketAndItsGarbage() throws Exception {
        SpamResult r = spamd("SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS");
        assertEquals(1000.0, r.score());
        assertEquals(5.0, r.required());
        assertEquals(List.of("GTUBE", "NO_RECEIVED", "NO_RELAYS"), r.symbols().stream().map(SpamResult.Symbol::name).toList());
        assertEquals(SpamAction.ADD_HEADER, r.action());
        assertEquals(SpamAction.NO_ACTION, spamd("SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0.1 / 5.0\r\n\r\n").action());
        for (String bad : List.of("HTTP/1.1 400 Bad\r\n\r\n", "SPAMD/1.1 76 Bad header line\r\n\r\n", "SPAMD/1.1 0 EX_OK\r\n\r\n",
                "SPAMD/1.1 0 EX_OK\r\nSpam: maybe\r\n\r\n", "")) {
            assertThrows(IOException.class, () -> spamd(bad), bad);
        }
        assertFalse(lastRequest.get().isEmpty());
        assertTrue(lastRequest.get().startsWith("SYMBOLS SPAMC/1.5\r\nContent-length: " + MESSAGE.length + "\r\nUser: mx\r\n\r\n"),
                lastRequest.get());
    }

    @Test
    void rspamdClientSlowOrAnsweringGarbageIsAFaultWithinTheTimeout() throws Exception {
        // a server that takes the request and never answers; one that answers HTTP with a body that
        // is not rspamd's; one that answers something that is not HTTP; a server error
        for (String reply : new String[] {null, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "garbage garbage\r\n\r\n", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"}) {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                Thread t = Thread.ofVirtual().start(() -> {
                    try (Socket s = server.accept()) {
                        s.getInputStream().readNBytes(100);
                        if (reply == null) {
                            Thread.sleep(3000);
                            return;
                        }
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        Thread.sleep(200);
                    } catch (IOException | InterruptedException e) {
                        // the client's side tells
                    }
                });
                RspamdClient c = new RspamdClient(java.net.URI.create("http://127.0.0.1:" + server.getLocalPort()), null, null,
                        Duration.ofSeconds(1), Duration.ofMillis(700));
                long t0 = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> c.check(new SpamEnvelope("192.0.2.7", null, null, "",
                        List.of("bob@example.com"), "Q", null, null), new java.io.ByteArrayInputStream(MESSAGE), MESSAGE.length), reply);
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "answered within the timeout: " + e);
                if (reply == null) assertTrue(e instanceof java.net.SocketTimeoutException, e.toString());
                c.close();
                t.join();
            }
        }
    }

    @Test
    void rspamdsAnswerOfOddShapesIsReadOrRefused() throws Exception {
        // fields the check does not use (with containers inside) are skipped; an option that is not a
        // string is its text; a header without a value is empty; required_score missing is 0
        SpamResult r = RspamdClient.parse("""
                {"thresholds":{"reject":15,"x":[1,{"a":[2]}]},"symbols":{"A":{"score":"1.5","options":[1,null,"o",{"x":1}],\
                "description":"d"},"B":[],"C":{"name":"C","score":-2}},"action":"add header","score":6,"urls":[["u"]],\
                "milter":{"add_headers":{"X-A":{"order":1},"X-B":null},"remove_headers":{"X-R":{"k":[1]}},"other":{}},\
                "subject":"[SPAM] hi"}""".getBytes(StandardCharsets.UTF_8));
        assertEquals(SpamAction.ADD_HEADER, r.action());
        assertEquals(6.0, r.score());
        assertEquals(0.0, r.required());
        assertEquals(List.of(new SpamResult.Symbol("A", 1.5, List.of("1", "null", "o", "")), new SpamResult.Symbol("B", 0, List.of()),
                new SpamResult.Symbol("C", -2, List.of())), r.symbols());
        assertEquals(List.of(new SpamResult.Header("X-A", ""), new SpamResult.Header("X-B", "")), r.addHeaders());
        assertEquals(List.of("X-R"), r.removeHeaders());
        assertEquals("[SPAM] hi", r.subject());
        for (String bad : List.of("{\"action\":\"reject\",\"score\":5", "{\"action\":{\"a\":1},\"score\":5}",
                "{\"action\":\"reject\",\"score\":[5]}", "{\"action\":\"reject\",\"score\":\"5\"}", "", "{\"error\":{}}")) {
            assertThrows(SpamProtocolException.class, () -> RspamdClient.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void rspamdClientSendsSmallMessagesInOneWriteAndLargeOnesInChunksByteForByte() throws Exception {
        byte[] large = new byte[300 * 1024 + 17];
        for (int i = 0; i < large.length; i++) large[i] = (byte) ('a' + i % 26);
        for (byte[] message : List.of(MESSAGE, large)) {
            AtomicReference<byte[]> received = new AtomicReference<>();
            AtomicReference<String> head = new AtomicReference<>();
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                Thread t = Thread.ofVirtual().start(() -> {
                    try (Socket s = server.accept()) {
                        InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                        StringBuilder h = new StringBuilder();
                        while (!h.toString().endsWith("\r\n\r\n")) h.append((char) in.read());
                        head.set(h.toString());
                        int length = Integer.parseInt(h.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                        received.set(in.readNBytes(length));
                        String json = "{\"action\":\"no action\",\"score\":1.25,\"required_score\":15}";
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + json.length() + "\r\n\r\n"
                                + json).getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    } catch (IOException | RuntimeException e) {
                        // the client's side tells
                    }
                });
                RspamdClient c = new RspamdClient(java.net.URI.create("http://127.0.0.1:" + server.getLocalPort()), null, null,
                        Duration.ofSeconds(2), Duration.ofSeconds(5));
                try {
                    SpamResult r = c.check(new SpamEnvelope("192.0.2.7", "helo.example", null, "a@example.net",
                            List.of("bob@example.com", "carol@example.com"), "Q1", null, null),
                            new java.io.ByteArrayInputStream(message), message.length);
                    assertEquals(SpamAction.NO_ACTION, r.action());
                    assertEquals(1.25, r.score());
                } finally {
                    c.close();
                    t.join();
                }
            }
            assertTrue(java.util.Arrays.equals(message, received.get()), "the body arrives as sent, " + message.length + " bytes");
            assertTrue(head.get().startsWith("POST /checkv2 HTTP/1.1\r\n"), head.get());
            assertTrue(head.get().contains("\r\nRcpt: bob@example.com\r\nRcpt: carol@example.com\r\n"), head.get());
            assertTrue(head.get().toLowerCase(java.util.Locale.ROOT).contains("content-length: " + message.length + "\r\n"), head.get());
        }
    }

    @Test
    void rspamdClientOverAUnixSocketAndASocketWhereNothingListens(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("normal.sock");
        AtomicReference<String> request = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread t = Thread.ofVirtual().start(() -> {
                try (SocketChannel s = server.accept()) {
                    InputStream in = Channels.newInputStream(s);
                    StringBuilder h = new StringBuilder();
                    while (!h.toString().endsWith("\r\n\r\n")) h.append((char) in.read());
                    int length = Integer.parseInt(h.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                    request.set(h + new String(in.readNBytes(length), StandardCharsets.US_ASCII));
                    // an answer without Content-Length: it ends where the connection does
                    String json = "{\"action\":\"reject\",\"score\":16.5,\"required_score\":15}";
                    Channels.newOutputStream(s).write(("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + json).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException | RuntimeException e) {
                    // the client's side tells
                }
            });
            try (RspamdClient c = new RspamdClient(java.net.URI.create("unix:" + socket), null, null, Duration.ofSeconds(2),
                    Duration.ofSeconds(5))) {
                SpamResult r = c.check(new SpamEnvelope("192.0.2.7", "helo.example", null, "a@example.net", List.of("bob@example.com"),
                        "Q1", null, null), new java.io.ByteArrayInputStream(MESSAGE), MESSAGE.length);
                assertEquals(SpamAction.REJECT, r.action());
                assertEquals(16.5, r.score());
            }
            t.join();
        }
        assertTrue(request.get().startsWith("POST /checkv2 HTTP/1.1\r\n"), request.get());
        assertTrue(request.get().contains("\r\nHost: localhost\r\n"), request.get());
        assertTrue(request.get().endsWith("\r\n\r\n" + new String(MESSAGE, StandardCharsets.US_ASCII)), request.get());
        // nothing at the path (rspamd not started, or the path mistyped): a connect failure that names it
        try (RspamdClient c = new RspamdClient(java.net.URI.create("unix:" + dir.resolve("missing.sock")), null, null,
                Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            java.net.ConnectException e = assertThrows(java.net.ConnectException.class, () -> c.check(new SpamEnvelope("192.0.2.7", null,
                    null, "", List.of("bob@example.com"), "Q", null, null), new java.io.ByteArrayInputStream(MESSAGE), MESSAGE.length));
            assertTrue(e.getMessage().startsWith("cannot connect to " + dir.resolve("missing.sock") + ": "), e.getMessage());
        }
    }

    final AtomicReference<String> lastRequest = new AtomicReference<>("");

    SpamResult spamd(String reply) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    lastRequest.set(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client's assertion tells
                }
            });
            try {
                return new SpamdClient(new InetSocketAddress("127.0.0.1", server.getLocalPort()), "mx", Duration.ofSeconds(2),
                        Duration.ofSeconds(2)).check(null, new java.io.ByteArrayInputStream(MESSAGE), MESSAGE.length);
            } finally {
                t.join();
            }
        }
    }
}
