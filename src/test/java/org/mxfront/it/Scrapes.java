// What the ITs check in a daemon's real /metrics scrape: the series they expect, as written (labels
// and value), and that Prometheus' own promtool accepts the whole text.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Assertions on a Prometheus scrape. */
final class Scrapes {
    private Scrapes() {}

    /** Each of {@code series} (name, labels and value as the scrape writes them) is in the scrape. */
    static void assertHas(String scrape, String... series) {
        for (String s : series) assertTrue(scrape.contains(s), "no " + s + " in:\n" + scrape);
    }

    /** promtool check metrics exits 0 on the scrape (written to DIR/scrape.txt). */
    static void assertPromtoolAccepts(Path dir, String scrape) throws Exception {
        Path file = dir.resolve("scrape.txt");
        Files.writeString(file, scrape);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "promtool check metrics: " + out);
    }
}
