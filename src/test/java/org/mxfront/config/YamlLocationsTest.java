// Covers YamlLocations: the line of a key (or of its nearest written ancestor) and pointers written as keys.
package org.mxfront.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class YamlLocationsTest {
    static final String YAML = """
            server:
              listen: 127.0.0.1:2525

            relay-networks:
              - 127.0.0.1/32
              - ::1/128
            checks:
              helo: {mode: enforce}
            """;

    record At(String pointer, int line) {}

    static Stream<At> lines() {
        return Stream.of(
                new At("/server", 1), new At("/server/listen", 2), new At("/relay-networks", 4),
                new At("/relay-networks/0", 5), new At("/relay-networks/1", 6), new At("/checks/helo", 8),
                new At("/checks/helo/mode", 8), new At("/server/hostname", 1), new At("/checks/helo/max/deep", 8),
                new At("/nowhere", 1));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void lineOfAPointer(At c) throws IOException {
        assertEquals(c.line(), new YamlLocations(YAML).line(c.pointer()));
    }

    @ParameterizedTest
    @CsvSource({
            "/checks/helo/mode, checks.helo.mode",
            "/relay-networks/1, relay-networks[1]",
            "/server/trusted-proxies/12, server.trusted-proxies[12]",
            "/a/0/b, a[0].b",
            "bogus, bogus",
            "/domains/example.org/checks/helo, domains.example.org.checks.helo"})
    void pointerAsKey(String pointer, String key) {
        assertEquals(key, YamlLocations.key(pointer));
    }
}
