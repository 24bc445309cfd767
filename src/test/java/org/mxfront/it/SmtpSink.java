// Postfix's smtp-sink on a loopback port, dumping each message to a file: the downstream of the
// integration tests. Fault options (-f, -r, -q, -W ...) make it refuse, defer, drop or stall.
package org.mxfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

final class SmtpSink implements AutoCloseable {
    final int port;
    final Path dumps;
    private final Process process;

    private SmtpSink(int port, Path dumps, Process process) {
        this.port = port;
        this.dumps = dumps;
        this.process = process;
    }

    static SmtpSink start(Path dir, String... faultOptions) throws IOException {
        return startOn(Ports.free(), dir, faultOptions);
    }

    /** Starts on a given port (to bring a killed downstream back where mxfront expects it). */
    static SmtpSink startOn(int port, Path dir, String... faultOptions) throws IOException {
        // smtp-sink writes as "nobody": it must be able to traverse the test's (0700) temp directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dumps = Files.createDirectories(dir.resolve("sink-" + System.nanoTime()));
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/smtp-sink"));
        if (Ports.isRoot()) cmd.addAll(List.of("-u", "nobody"));
        cmd.addAll(List.of("-d", dumps + "/%M."));
        cmd.addAll(List.of(faultOptions));
        cmd.addAll(List.of("127.0.0.1:" + port, "64"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("smtp-sink-" + port + ".log").toFile()).start();
        Ports.awaitListening(port, Duration.ofSeconds(10));
        return new SmtpSink(port, dumps, p);
    }

    /** The dumped messages so far. */
    List<String> messages() {
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> s = Files.list(dumps)) {
                List<String> out = new ArrayList<>();
                for (Path p : s.sorted().toList()) out.add(Files.readString(p, StandardCharsets.UTF_8));
                return out;
            } catch (NoSuchFileException e) {
                // a dump listed while smtp-sink renamed it: list again
                if (attempt == 10) throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Waits for n messages to be dumped. */
    List<String> awaitMessages(int n) {
        Ports.await(() -> messages().size() >= n, Duration.ofSeconds(10), n + " message(s) in smtp-sink");
        return messages();
    }

    /** Waits for a dumped message that contains the text (dump file names are not in arrival order). */
    String awaitMessageContaining(String text) {
        return awaitMessageContaining(text, Duration.ofSeconds(10));
    }

    /** As above, waiting up to {@code max} (a message that passes through a queue or two). */
    String awaitMessageContaining(String text, Duration max) {
        Ports.await(() -> messages().stream().anyMatch(m -> m.contains(text)), max,
                "a message containing " + text);
        return messages().stream().filter(m -> m.contains(text)).findFirst().orElseThrow();
    }

    /**
     * A body as {@link #body} returns it, less the trace line mxfront put first (RFC 5321 4.4): fails
     * when that line is not there, so a test of "arrives unchanged" also checks that it was added.
     */
    static String withoutMxfrontTrace(String body) {
        if (!body.startsWith("Received: from ")) throw new AssertionError("no Received header first:\n" + body);
        int end = body.indexOf('\n');
        while (end + 1 < body.length() && body.charAt(end + 1) == '\t') end = body.indexOf('\n', end + 1);
        String trace = body.substring(0, end);
        if (!trace.contains("(mxfront) with ")) throw new AssertionError("the first Received header is not mxfront's:\n" + body);
        return body.substring(end + 1);
    }

    /** The message as sent (smtp-sink writes LF line ends, its own X- and Received headers first, an empty line last). */
    static String body(String dump) {
        int firstBlank = dump.indexOf("\n\n");
        String head = dump.substring(0, firstBlank + 1);
        // Skip smtp-sink's own lines: X-*-Args/X-Client-* and its Received header with continuation lines.
        List<String> kept = new ArrayList<>();
        boolean inOwnReceived = false;
        for (String line : head.split("\n")) {
            if (line.startsWith("X-Client-") || line.startsWith("X-Helo-Args") || line.startsWith("X-Mail-Args")
                    || line.startsWith("X-Rcpt-Args")) continue;
            if (line.startsWith("Received: from") && line.contains("[127.0.0.1]") && kept.isEmpty()) {
                inOwnReceived = true;
                continue;
            }
            if (inOwnReceived && (line.startsWith("\t") || line.startsWith(" "))) continue;
            inOwnReceived = false;
            kept.add(line);
        }
        // smtp-sink ends every dump with one extra empty line of its own.
        String rest = dump.substring(firstBlank + 1);
        if (rest.endsWith("\n\n")) rest = rest.substring(0, rest.length() - 1);
        return String.join("\n", kept) + "\n" + rest;
    }

    /** SIGKILL: the sink dies at once, its connections reset. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
