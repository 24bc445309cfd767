// The dictionary-attack guard shared by two mxfront daemons through a real redis-server: unknown
// recipients tried at either count together, and the client is refused at both; with Redis killed,
// the guard blocks no one (fails open) and the recipients check still answers.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GuardRedisIT {
    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static String yaml(Path table) {
        return """
                checks:
                  relay: {}
                  dictionary-guard:
                    enabled: true
                    threshold: 2
                    store: {type: redis, redis-uri: "%s", timeout: 300ms}
                  recipients: {}
                domains:
                  tab.test: {checks: {recipients: {enabled: true, source: table, table: {file: "%s"}}}}
                """.formatted(redis.uri(), table);
    }

    private static List<String> rcpt(Mxfront m, String client, String recipient) throws Exception {
        try (SmtpClient c = FrontDoorIT.hello(m, client, "client.sender.example")) {
            c.command("MAIL FROM:<a@sender.example>");
            return c.command("RCPT TO:<" + recipient + ">");
        }
    }

    @Test
    void twoHostsCountTogetherAndARedisOutageBlocksNoOne() throws Exception {
        Path table = Files.createTempFile("mxfront-guard-", ".txt");
        Files.writeString(table, "bob@tab.test\n");
        try (Mxfront a = Mxfront.start(sink.port(), yaml(table)); Mxfront b = Mxfront.start(sink.port(), yaml(table))) {
            assertEquals("550-5.1.1 XM-RJCT01: Account <x1@tab.test> does not exist.", rcpt(a, "127.0.0.41", "x1@tab.test").get(0));
            assertEquals("550-5.1.1 XM-RJCT01: Account <x2@tab.test> does not exist.", rcpt(b, "127.0.0.41", "x2@tab.test").get(0));
            List<String> refused = List.of("421-4.7.0 XM-RJCT77: Too many unknown recipients from 127.0.0.41, try again later.",
                    "421 4.7.0 [127.0.0.41] [mx.test]");
            assertEquals(refused, rcpt(a, "127.0.0.41", "bob@tab.test"));
            assertEquals(refused, rcpt(b, "127.0.0.41", "bob@tab.test"));
            assertEquals(List.of("250 2.1.5 Ok"), rcpt(a, "127.0.0.42", "bob@tab.test"), "another client is not affected");
            redis.get().kill();
            assertEquals(List.of("250 2.1.5 Ok"), rcpt(a, "127.0.0.41", "bob@tab.test"), "store down: the guard blocks no one");
            assertEquals("550-5.1.1 XM-RJCT01: Account <x3@tab.test> does not exist.", rcpt(b, "127.0.0.41", "x3@tab.test").get(0));
        } finally {
            Files.deleteIfExists(table);
        }
    }
}
