// API tokens: "mxf_<id>_<secret>", shown once at creation; the store keeps the id and an Argon2id
// hash of the secret (Bouncy Castle's Argon2BytesGenerator), compared in constant time. The id lets
// the store find the row without hashing every token; the secret never reaches a log or the database.
package org.mxfront.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Token creation, parsing and verification. Thread-safe. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** Argon2id, 19 MiB, 2 passes, 1 lane (OWASP's minimum for Argon2id). */
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;

    private Tokens() {}

    /** A new token: its id, the whole token (shown once) and the hash to store. */
    public record New(String id, String token, String hash) {}

    /** A token split into id and secret; null when it is not a token of ours. */
    public record Parsed(String id, String secret) {}

    public static New create() {
        byte[] idb = new byte[9];
        byte[] secret = new byte[24];
        RANDOM.nextBytes(idb);
        RANDOM.nextBytes(secret);
        String id = B64.encodeToString(idb);
        String s = B64.encodeToString(secret);
        return new New(id, "mxf_" + id + "_" + s, hash(s));
    }

    public static Parsed parse(String token) {
        if (token == null || !token.startsWith("mxf_") || token.length() > 200) return null;
        // the id is 12 base64url characters (which may include '_'): the separator is at a fixed place
        if (token.length() < 18 || token.charAt(16) != '_') return null;
        return new Parsed(token.substring(4, 16), token.substring(17));
    }

    /** {@code argon2id$m$t$salt$hash}. */
    static String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "argon2id$" + MEMORY_KIB + "$" + ITERATIONS + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(derive(secret, salt, MEMORY_KIB, ITERATIONS));
    }

    public static boolean verify(String secret, String stored) {
        String[] p = stored.split("\\$");
        if (p.length != 5 || !p[0].equals("argon2id")) return false;
        byte[] salt = Base64.getUrlDecoder().decode(p[3]);
        byte[] expected = Base64.getUrlDecoder().decode(p[4]);
        byte[] got = derive(secret, salt, Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        return MessageDigest.isEqual(expected, got);
    }

    private static byte[] derive(String secret, byte[] salt, int memoryKib, int iterations) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        g.generateBytes(secret.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
