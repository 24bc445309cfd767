// SpamLearner's mapping of what a classifier's controller answers to an Outcome, against a stand-in
// controller (the JDK's HTTP server on loopback answering what rspamd 3.4 answers: 200 learned, 208
// already learned, 204 skipped by the Bayes learn conditions, 401 a wrong password), a closed port,
// an unreadable password file; and which bodies are messages at all. SpamLearnIT runs the real rspamd.
package org.mxfront.checks.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpamLearnerTest {
    static final byte[] MESSAGE = "From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;
    HttpServer controller;
    volatile int status;
    volatile String answer;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        controller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        controller.createContext("/", x -> {
            seen.add(x.getRequestURI().getPath() + " " + x.getRequestHeaders().getFirst("Password") + " "
                    + x.getRequestBody().readAllBytes().length);
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, status == 204 ? -1 : b.length);
            if (status != 204) x.getResponseBody().write(b);
            x.close();
        });
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.stop(0);
    }

    SpamConfig config(String passwordFile) {
        String url = "http://127.0.0.1:" + controller.getAddress().getPort();
        return new SpamConfig(null, new SpamConfig.Rspamd(url, url, passwordFile, null, null), null, null, null, null, null, null,
                null, null, null, null, null);
    }

    SpamLearner.Outcome learn(int status, String answer, boolean spam) throws Exception {
        this.status = status;
        this.answer = answer;
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "secret\n");
        return SpamLearner.learn(config(pw.toString()), spam, MESSAGE);
    }

    @Test
    void rspamdsAnswersBecomeOutcomes() throws Exception {
        SpamLearner.Learned ok = assertInstanceOf(SpamLearner.Learned.class, learn(200, "{\"success\":true}", true));
        assertTrue(ok.changed());
        assertEquals("{\"success\":true}", ok.answer());
        assertEquals(List.of("/learnspam secret " + MESSAGE.length), seen);

        SpamLearner.Learned again = assertInstanceOf(SpamLearner.Learned.class,
                learn(208, "{\"error\":\"<1@b.example> has been already learned as ham, ignore it\"}", false));
        assertFalse(again.changed());
        assertEquals("already learned as ham", again.unchanged());
        assertEquals("{\"error\":\"<1@b.example> has been already learned as ham, ignore it\"}", again.answer());
        assertEquals("/learnham secret " + MESSAGE.length, seen.get(1));

        SpamLearner.Learned skipped = assertInstanceOf(SpamLearner.Learned.class, learn(204, "", true));
        assertEquals("rspamd's Bayes filter already classifies it as spam (its learn conditions skipped it)", skipped.unchanged());

        SpamLearner.Failed refused = assertInstanceOf(SpamLearner.Failed.class, learn(401, "{\"error\":\"Unauthorized\"}", true));
        assertFalse(refused.down());
        assertEquals("rspamd controller answered HTTP 401: {\"error\":\"Unauthorized\"}", refused.why());
    }

    @Test
    void aClosedPortIsDownAndAnUnreadablePasswordFileIsNotConfigured() throws Exception {
        int port = controller.getAddress().getPort();
        controller.stop(0);
        SpamConfig c = new SpamConfig(null, new SpamConfig.Rspamd("http://127.0.0.1:" + port, "http://127.0.0.1:" + port, "", null, null),
                null, null, null, null, null, null, null, null, null, null, null);
        SpamLearner.Failed down = assertInstanceOf(SpamLearner.Failed.class, SpamLearner.learn(c, true, MESSAGE));
        assertTrue(down.down());
        assertTrue(down.why().startsWith("rspamd does not answer: "), down.why());
        SpamLearner.NotConfigured n = assertInstanceOf(SpamLearner.NotConfigured.class,
                SpamLearner.learn(config(dir.resolve("missing").toString()), true, MESSAGE));
        assertTrue(n.why().startsWith("cannot read rspamd.password-file " + dir.resolve("missing")), n.why());
    }

    @Test
    void onlyWhatStartsLikeAMessageIsOne() {
        assertNull(SpamLearner.notAMessage(MESSAGE));
        assertNull(SpamLearner.notAMessage("From alice@b.example Mon Dec  7 04:00:00 2026\nFrom: a@b.example\n\nx\n".getBytes()));
        assertNull(SpamLearner.notAMessage("Return-Path: <a@b.example>\r\n\r\n".getBytes()));
        assertEquals("the raw message (RFC 5322) is required", SpamLearner.notAMessage(new byte[0]));
        assertEquals("the raw message (RFC 5322) is required", SpamLearner.notAMessage(null));
        for (String bad : new String[] {"{\"message\": 1}", "\r\nFrom: a@b.example", "<html>", " From: x"}) {
            assertEquals("not an RFC 5322 message (it does not start with a header field)",
                    SpamLearner.notAMessage(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
