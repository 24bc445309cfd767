// Pool senders: with group-by-reverse-domain, a client is known by the organisational domain of its
// forward-confirmed reverse name (dns.client-names, answered here by a real NSD on loopback), so a
// retry from another address of the pool passes; a dynamic-looking name in the same domain is not
// grouped and is greylisted on its own.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistReverseDomainIT {
    @TempDir
    Path tmp;

    static final String ZONE = """
            $ORIGIN example.net.
            $TTL 300
            @                     IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 120
            @                     IN NS  ns.example.net.
            ns                    IN A   127.0.0.1
            mail-a.outbound       IN A   127.0.0.2
            mail-b.outbound       IN A   127.0.0.3
            dsl-127-0-0-4.dyn     IN A   127.0.0.4
            """;

    static final String REVERSE = """
            $ORIGIN 0.0.127.in-addr.arpa.
            $TTL 300
            @   IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 120
            @   IN NS  ns.example.net.
            2   IN PTR mail-a.outbound.example.net.
            3   IN PTR mail-b.outbound.example.net.
            4   IN PTR dsl-127-0-0-4.dyn.example.net.
            """;

    @Test
    void aPoolRetriesFromAnotherAddress() throws Exception {
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("example.net", ZONE);
        zones.put("0.0.127.in-addr.arpa", REVERSE);
        try (SmtpSink sink = SmtpSink.start(tmp); Nsd nsd = Nsd.start(tmp, zones);
                Mxfront mx = Mxfront.start(sink.port, """
                        state-directory: %s
                        dns:
                          resolvers: ["127.0.0.1:%d"]
                          client-names: true
                        checks:
                          relay: {}
                          greylist:
                            delay: 2s
                            ipv4-prefix: 32
                            group-by-reverse-domain: true
                            allow-clients-file: ""
                        """.formatted(tmp.resolve("state"), nsd.port))) {
            assertEquals(GreylistIT.greylisted(2, "127.0.0.2"), Greylisting.rcpt(mx, "127.0.0.2", "a@contoso.example", "bob@example.com"));
            List<String> r = GreylistIT.retryUntilAccepted(mx, "127.0.0.3", "a@contoso.example", "bob@example.com", "pool retry");
            assertEquals("250 2.1.5 Ok", r.get(0));
            assertEquals(1.0, Greylisting.decisions(mx, "new"), "the retry from the other address was not a new tuple");
            assertEquals(1.0, Greylisting.decisions(mx, "passed"));
            assertEquals(GreylistIT.greylisted(2, "127.0.0.4"), Greylisting.rcpt(mx, "127.0.0.4", "x@contoso.example", "bob@example.com"),
                    "a dynamic-looking name is known by its address, not by example.net");
            org.mxfront.Cli.Run list = Greylisting.cli("greylist", "list", "--server", "127.0.0.1:" + mx.httpPort());
            assertTrue(list.out().contains("client\texample.net\t"), list.out());
            assertTrue(list.out().contains("tuple\t127.0.0.4/32|x@contoso.example|bob@example.com\t"), list.out());
        }
    }
}
