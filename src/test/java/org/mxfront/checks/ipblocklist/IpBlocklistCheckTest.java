// Covers IpBlocklistCheck: IPv4 and IPv6 blocks from a file and inline, and a bad line named.
package org.mxfront.checks.ipblocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mxfront.checks.CheckFixtures.client;
import static org.mxfront.checks.CheckFixtures.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.codes.Code;
import org.mxfront.policy.Facts;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;

class IpBlocklistCheckTest {
    @TempDir
    Path dir;

    @Test
    void blocksListedNetworks() throws Exception {
        Path f = Files.writeString(dir.resolve("ips"), "# ours\n192.0.2.0/24\n2001:db8::/32 # v6\n");
        IpBlocklistCheck c = new IpBlocklistCheck(new IpBlocklistConfig(List.of(f.toString()), List.of("198.51.100.7")), context());
        for (String ip : List.of("192.0.2.99", "2001:db8::1", "198.51.100.7", "::ffff:192.0.2.1")) {
            assertEquals(Verdict.reject(Code.OPS_BLOCKLIST, Map.of()), c.evaluate(Stage.CONNECT, Facts.connect(client(ip, false, 1))), ip);
        }
        assertEquals(Verdict.CONTINUE, c.evaluate(Stage.CONNECT, Facts.connect(client("192.0.3.1", false, 1))));
        Files.writeString(f, "192.0.2.0/24\n300.1.1.1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IpBlocklistCheck(new IpBlocklistConfig(List.of(f.toString()), null), context()));
        assertEquals(f + ":2: '300.1.1.1': not an IP address or CIDR block", e.getMessage());
    }
}
