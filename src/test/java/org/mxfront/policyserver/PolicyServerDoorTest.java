// The door's life on a loopback socket, in-process: it answers, a reload changes the engine for new
// messages while a message in flight keeps its own, an idle connection is closed, drain stops
// accepting and reports not ready. (PolicyDoorIT drives the same door from a real Postfix.)
package org.mxfront.policyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.Doors;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.metrics.MxMeters;

class PolicyServerDoorTest {
    @TempDir
    Path tmp;

    DaemonConfig config(String hostname, String idle) throws Exception {
        return new ConfigLoader(Doors.ALL).parse("t.yml", """
                server: {hostname: %s}
                smtp: {enabled: false}
                policy-server: {enabled: true, listen: 127.0.0.1:0, idle-timeout: %s}
                state-directory: %s
                checks:
                  relay: {}
                  virus: {}
                """.formatted(hostname, idle, tmp), new SimpleMeterRegistry());
    }

    static String relayRequest(String instance) {
        return "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\nhelo_name=a.example\n"
                + "sender=a@sender.example\nrecipient=x@elsewhere.example\ninstance=" + instance + "\n\n";
    }

    static String ask(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.toString().endsWith("\n\n")) break;
        }
        return sb.toString();
    }

    @Test
    void answersReloadsDrains() throws Exception {
        PolicyServerDoor door = new PolicyServerDoor(PolicyServerDoor.TYPE.context(config("mx1.test", "5m")), new MxMeters(new SimpleMeterRegistry()));
        try (door) {
            door.start();
            assertNull(door.notReady());
            try (Socket s = new Socket("127.0.0.1", door.port())) {
                s.setSoTimeout(5000);
                assertEquals("action=550 5.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx1.test]\n\n",
                        ask(s, relayRequest("m.1")));
                door.update(PolicyServerDoor.TYPE.context(config("mx2.test", "5m")));
                // the message in flight keeps its engine; a new one gets the reloaded configuration
                assertEquals("action=550 5.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx1.test]\n\n",
                        ask(s, relayRequest("m.1")));
                assertEquals("action=550 5.7.1 XM-RJCT06: Unauthorized relay attempt [192.0.2.7] [mx2.test]\n\n",
                        ask(s, relayRequest("m.2")));
            }
            int port = door.port();
            door.drain(Duration.ofSeconds(1));
            assertEquals("policy: draining", door.notReady());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (PolicyServerDoor door = new PolicyServerDoor(PolicyServerDoor.TYPE.context(config("mx1.test", "300ms")), new MxMeters(new SimpleMeterRegistry()))) {
            door.start();
            try (Socket s = new Socket("127.0.0.1", door.port())) {
                s.setSoTimeout(5000);
                long t0 = System.nanoTime();
                assertEquals(-1, s.getInputStream().read());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(true, ms >= 200 && ms < 4000, ms + " ms");
            }
        }
    }
}
