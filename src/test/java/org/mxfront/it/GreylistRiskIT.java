// Greylisting only risky clients, with the risk signal coming from a real DNSBL: rbldnsd serves a
// test PBL; the dnsbl check weighs a PBL answer 0 (it refuses nobody) but tags the session
// pbl-listed, and greylisting with only-when-risky and risk-signals [pbl-listed] greylists the
// listed client and lets the unlisted one through.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistRiskIT {
    @TempDir
    Path tmp;

    @Test
    void onlyThePblListedClientIsGreylisted() throws Exception {
        try (SmtpSink sink = SmtpSink.start(tmp);
                Rbldnsd rbl = Rbldnsd.start(tmp, Map.of("pbl", ":127.0.0.10:Listed in the test PBL\n127.0.0.2\n"),
                        List.of("zen.test:ip4set:pbl"), "2.0.0.127.zen.test");
                Mxfront mx = Mxfront.start(sink.port, """
                        state-directory: %s
                        dns:
                          resolvers: ["127.0.0.1:%d"]
                        checks:
                          relay: {}
                          dnsbl:
                            health-check: 0s
                            zones:
                              - zone: zen.test
                                name: test PBL
                                answers: [{ addresses: [127.0.0.10-127.0.0.11], code: pbl-listed, weight: 0 }]
                          greylist:
                            only-when-risky: true
                            risk-signals: [pbl-listed]
                            ipv4-prefix: 32
                            allow-clients-file: ""
                        """.formatted(tmp.resolve("state"), rbl.port))) {
            assertEquals(GreylistIT.greylisted(300, "127.0.0.2"), Greylisting.rcpt(mx, "127.0.0.2", "a@sender.example", "bob@example.com"));
            assertEquals(List.of("250 2.1.5 Ok"), Greylisting.rcpt(mx, "127.0.0.3", "a@sender.example", "bob@example.com"));
            assertEquals(1.0, Greylisting.decisions(mx, "new"));
            assertEquals(1.0, Greylisting.decisions(mx, "exempt"));
        }
    }
}
