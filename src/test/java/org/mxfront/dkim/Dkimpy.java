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
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> e : records.entrySet()) {
            if (json.length() > 1) json.append(',');
            json.append('"').append(e.getKey()).append("\":\"").append(e.getValue().replace("\"", "\\\"")).append('"');
        }
        json.append('}');
        Path f = Files.createTempFile(dir, "records", ".json");
        Files.writeString(f, json);
        String out = new String(run(message, "verify", f.toString()), StandardCharsets.UTF_8);
        return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\n"));
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
