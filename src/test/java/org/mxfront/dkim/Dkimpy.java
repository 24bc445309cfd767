// Runs Debian's python3-dkim (dkimpy) for the DKIM tests: the third-party signer of the messages
// mxfront verifies, and a second verdict on the same messages and key records.
package org.mxfront.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** dkimpy through {@code /usr/bin/python3} (the Debian interpreter that has the package). */
public final class Dkimpy {
    private final Path dir;
    private final Path script;

    /** @param dir a directory for the script, key files and record files */
    public Dkimpy(Path dir) throws IOException {
        this.dir = dir;
        this.script = dir.resolve("dkimpy.py");
        try (InputStream in = Dkimpy.class.getResourceAsStream("/dkim/dkimpy.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    /** The message with dkimpy's DKIM-Signature field on top. */
    public byte[] sign(byte[] message, TestKeys.Key key, String selector, String domain, String canon, boolean length,
            String headers) throws IOException {
        Path keyFile = dir.resolve("key-" + key.name());
        Files.writeString(keyFile, key.privateForDkimpy());
        return run(message, "sign", keyFile.toString(), selector, domain, key.algorithm(), canon, length ? "1" : "0",
                headers == null ? "" : headers);
    }

    /** dkimpy's verdict per signature, top down: "pass", "fail" or "error:...". */
    public List<String> verify(byte[] message, Map<String, String> records) throws IOException {
        Path f = Files.createTempFile(dir, "records", ".json");
        Files.writeString(f, json(records));
        String out = new String(run(message, "verify", f.toString()), StandardCharsets.UTF_8);
        return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\n"));
    }

    /**
     * Signs many messages in one run: {@code messages} (name -> bytes) with their canonicalisation
     * ({@code canons}: name -> "relaxed/simple") and l= ({@code lengths}); returns name -> signed message.
     */
    public Map<String, byte[]> signMany(Map<String, byte[]> messages, Map<String, String> canons, Map<String, Boolean> lengths,
            TestKeys.Key key, String selector, String domain) throws IOException {
        Path d = Files.createTempDirectory(dir, "sign");
        Path keyFile = dir.resolve("key-" + key.name());
        Files.writeString(keyFile, key.privateForDkimpy());
        for (Map.Entry<String, byte[]> e : messages.entrySet()) {
            Files.write(d.resolve(e.getKey() + ".eml"), e.getValue());
            Files.writeString(d.resolve(e.getKey() + ".args"), canons.get(e.getKey()) + " " + (lengths.get(e.getKey()) ? "1" : "0"));
        }
        run(new byte[0], "signdir", keyFile.toString(), selector, domain, d.toString());
        Map<String, byte[]> out = new java.util.TreeMap<>();
        for (String n : messages.keySet()) out.put(n, Files.readAllBytes(d.resolve(n + ".signed")));
        return out;
    }

    /** dkimpy's verdict on the first signature of each message, in one run: name -> "pass", "fail" or "error:...". */
    public Map<String, String> verifyMany(Map<String, byte[]> messages, Map<String, String> records) throws IOException {
        Path d = Files.createTempDirectory(dir, "verify");
        for (Map.Entry<String, byte[]> e : messages.entrySet()) Files.write(d.resolve(e.getKey() + ".check"), e.getValue());
        Path f = Files.createTempFile(dir, "records", ".json");
        Files.writeString(f, json(records));
        Map<String, String> out = new java.util.TreeMap<>();
        for (String line : new String(run(new byte[0], "verifydir", f.toString(), d.toString()), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            String[] p = line.strip().split(" ", 2);
            out.put(p[0], p[1]);
        }
        return out;
    }

    private static String json(Map<String, String> records) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> e : records.entrySet()) {
            if (json.length() > 1) json.append(',');
            json.append('"').append(e.getKey()).append("\":\"").append(e.getValue().replace("\"", "\\\"")).append('"');
        }
        return json.append('}').toString();
    }

    private byte[] run(byte[] input, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(input);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dkimpy did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) throw new IOException("dkimpy " + args[0] + " failed: " + err);
        return out.toByteArray();
    }
}
