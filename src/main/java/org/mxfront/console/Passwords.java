// Password hashes in the PHC string form ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) with Bouncy
// Castle's Argon2id (already a dependency through bcpkix), OWASP's minimum parameters; compared in
// constant time. An unknown user is checked against a dummy hash, so its answer takes as long.
package org.mxfront.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id hashing and verification. Stateless. */
public final class Passwords {
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
    private static final int MEMORY_KIB = 19456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DUMMY = hash("no such user".toCharArray());

    private Passwords() {}

    /** A new hash of a password. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
        Base64.Encoder b = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + b.encodeToString(salt)
                + "$" + b.encodeToString(out);
    }

    /** True when the password matches the hash; false for a wrong password or a malformed hash. */
    public static boolean verify(char[] password, String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        if (!m.matches()) return false;
        Base64.Decoder d = Base64.getDecoder();
        byte[] salt = d.decode(m.group(4));
        byte[] expected = d.decode(m.group(5));
        byte[] got = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, got);
    }

    /** A well-formed hash? (for the accounts file's syntax check) */
    public static boolean wellFormed(String phc) {
        return PHC.matcher(phc).matches();
    }

    /** Spends the time a verification takes, for a name that has no account. */
    public static void verifyDummy(char[] password) {
        verify(password, DUMMY);
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int len) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).withSalt(salt).build());
        byte[] out = new byte[len];
        g.generateBytes(password, out);
        return out;
    }
}
