// The verifier against messages signed by a third party (dkimpy, Debian python3-dkim) with keys made
// here: every outcome and reason, canonicalisations, l=, over-signing, chunking down to one byte at a
// time, and dkimpy's own verdict on the same messages and records where RFC 8301 does not differ.
package org.mxfront.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mxfront.dkim.DkimResult.Outcome;

class DkimVerifierTest {
    static final String MESSAGE = "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org\r\n"
            + "Subject: quarterly  report\r\n"
            + "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <m1@example.com>\r\n"
            + "\r\n"
            + "Hello Bob,  \r\n"
            + "\tthe numbers are in.\r\n"
            + "\r\n"
            + "Alice\r\n"
            + "\r\n\r\n";

    @TempDir
    static Path dir;
    static Dkimpy dkimpy;
    static TestKeys.Key rsa2048;
    static TestKeys.Key rsa1024;
    static TestKeys.Key rsa512;
    static TestKeys.Key ed25519;
    final Map<String, String> records = new HashMap<>();

    @BeforeAll
    static void keys() throws IOException {
        dkimpy = new Dkimpy(dir);
        rsa2048 = TestKeys.rsa(2048);
        rsa1024 = TestKeys.rsa(1024);
        rsa512 = TestKeys.rsa(512);
        ed25519 = TestKeys.ed25519();
    }

    byte[] sign(String message, TestKeys.Key key, String selector, String canon, boolean length) throws IOException {
        records.put(selector + "._domainkey.example.com", key.record());
        return dkimpy.sign(bytes(message), key, selector, "example.com", canon, length, null);
    }

    List<DkimResult> verify(byte[] message) {
        return verify(message, DkimSettings.DEFAULTS, Clock.systemUTC(), message.length);
    }

    List<DkimResult> verify(byte[] message, DkimSettings settings, Clock clock, int chunk) {
        DkimKeySource keys = name -> {
            String r = records.get(name);
            return r == null ? List.of() : List.of(r);
        };
        DkimVerifier.Message m = new DkimVerifier(keys, settings, clock).begin();
        for (int i = 0; i < message.length; i += chunk) m.write(message, i, Math.min(chunk, message.length - i));
        return m.finish();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    void assertOne(List<DkimResult> results, Outcome outcome, String reason) {
        assertEquals(1, results.size(), results.toString());
        assertEquals(outcome, results.get(0).outcome(), results.toString());
        assertEquals(reason, results.get(0).reason());
    }

    @Test
    void rsaSha256PassesInEveryCanonicalisationAndAgreesWithDkimpy() throws IOException {
        for (String canon : List.of("simple/simple", "relaxed/simple", "simple/relaxed", "relaxed/relaxed")) {
            byte[] signed = sign(MESSAGE, rsa2048, "s2048", canon, false);
            List<DkimResult> r = verify(signed);
            assertOne(r, Outcome.PASS, "signature verified");
            DkimResult d = r.get(0);
            assertEquals("example.com", d.domain());
            assertEquals("s2048", d.selector());
            assertEquals("rsa-sha256", d.algorithm());
            assertEquals("@example.com", d.identity());
            assertEquals(8, d.headerB().length());
            assertTrue(text(signed).replaceAll("\\s", "").contains("b=" + d.headerB()), d.headerB());
            assertEquals(List.of("pass"), dkimpy.verify(signed, records), canon);
        }
    }

    @Test
    void ed25519AndRsa1024Pass() throws IOException {
        assertOne(verify(sign(MESSAGE, ed25519, "ed", "relaxed/relaxed", false)), Outcome.PASS, "signature verified");
        assertEquals("ed25519-sha256", verify(sign(MESSAGE, ed25519, "ed", "relaxed/relaxed", false)).get(0).algorithm());
        assertEquals(List.of("pass"), dkimpy.verify(sign(MESSAGE, ed25519, "ed", "relaxed/relaxed", false), records));
        assertOne(verify(sign(MESSAGE, rsa1024, "s1024", "relaxed/simple", false)), Outcome.PASS, "signature verified");
    }

    @Test
    void dualSignedRsaAndEd25519BothPass() throws IOException {
        byte[] once = sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false);
        byte[] twice = sign(text(once), ed25519, "ed", "relaxed/relaxed", false);
        List<DkimResult> r = verify(twice);
        assertEquals(List.of(Outcome.PASS, Outcome.PASS), r.stream().map(DkimResult::outcome).toList());
        assertEquals(List.of("ed25519-sha256", "rsa-sha256"), r.stream().map(DkimResult::algorithm).toList());
        assertEquals(List.of("pass", "pass"), dkimpy.verify(twice, records));
    }

    @Test
    void alteredBodyFailsOnTheBodyHash() throws IOException {
        for (String canon : List.of("simple/simple", "relaxed/relaxed")) {
            byte[] altered = bytes(text(sign(MESSAGE, rsa2048, "s2048", canon, false)).replace("numbers", "Numbers"));
            assertOne(verify(altered), Outcome.FAIL, "body hash did not verify");
            assertTrue(dkimpy.verify(altered, records).get(0).startsWith("error:ValidationError:body hash mismatch"));
        }
    }

    @Test
    void alteredHeaderFailsOnTheSignature() throws IOException {
        byte[] altered = bytes(text(sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false))
                .replace("quarterly  report", "annual report"));
        assertOne(verify(altered), Outcome.FAIL, "signature did not verify");
        assertEquals(List.of("fail"), dkimpy.verify(altered, records));
        byte[] ed = bytes(text(sign(MESSAGE, ed25519, "ed", "relaxed/relaxed", false)).replace("quarterly  report", "annual"));
        assertOne(verify(ed), Outcome.FAIL, "signature did not verify");
    }

    @Test
    void relaxedToleratesWhitespaceAndTrailingLineChangesSimpleDoesNot() throws IOException {
        String relaxed = text(sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false));
        byte[] reformatted = bytes(relaxed.replace("quarterly  report", "quarterly \t report")
                .replace("Hello Bob,  \r\n", "Hello   Bob,\r\n") + "\r\n \r\n");
        assertOne(verify(reformatted), Outcome.PASS, "signature verified");
        assertEquals(List.of("pass"), dkimpy.verify(reformatted, records));
        String simple = text(sign(MESSAGE, rsa2048, "s2048", "simple/simple", false));
        assertOne(verify(bytes(simple + "\r\n\r\n")), Outcome.PASS, "signature verified"); // trailing empty lines
        assertOne(verify(bytes(simple.replace("Hello Bob,  ", "Hello Bob, "))), Outcome.FAIL, "body hash did not verify");
    }

    @Test
    void rsaSha1FailsPerRfc8301WhereDkimpyAcceptsIt() throws IOException {
        byte[] signed = sign(MESSAGE, rsa2048.as("rsa-sha1"), "sha1", "relaxed/relaxed", false);
        assertOne(verify(signed), Outcome.FAIL, "rsa-sha1 is not accepted (RFC 8301)");
        DkimSettings sha1Allowed = new DkimSettings(1024, true, 5, Duration.ofSeconds(5), Duration.ofMinutes(5), 256 * 1024);
        assertOne(verify(signed, sha1Allowed, Clock.systemUTC(), 4096), Outcome.PASS, "signature verified");
        assertEquals(List.of("pass"), dkimpy.verify(signed, records)); // dkimpy still accepts sha1: we differ on purpose
    }

    @Test
    void keysUnder1024BitsFail() throws IOException {
        byte[] signed = sign(MESSAGE, rsa512, "s512", "relaxed/relaxed", false);
        assertOne(verify(signed), Outcome.FAIL, "key of 512 bits is under 1024");
        assertTrue(dkimpy.verify(signed, records).get(0).startsWith("error:KeyFormatError"), dkimpy.verify(signed, records).toString());
    }

    @Test
    void revokedMissingAndMismatchedKeys() throws IOException {
        byte[] signed = sign(MESSAGE, rsa2048, "gone", "relaxed/relaxed", false);
        records.put("gone._domainkey.example.com", "v=DKIM1; k=rsa; p=");
        assertOne(verify(signed), Outcome.PERMERROR, "key revoked (empty p=)");
        assertTrue(!dkimpy.verify(signed, records).get(0).equals("pass"));
        records.remove("gone._domainkey.example.com");
        assertOne(verify(signed), Outcome.PERMERROR, "no key for signature");
        assertEquals(List.of("fail"), dkimpy.verify(signed, records));
        records.put("gone._domainkey.example.com", ed25519.record());
        assertOne(verify(signed), Outcome.PERMERROR, "key type k=ed25519 does not match a=rsa-sha256");
        records.put("gone._domainkey.example.com", "v=DKIM1; k=rsa; h=sha1; p=" + TestKeys.b64(rsa2048.pair().getPublic().getEncoded()));
        assertOne(verify(signed), Outcome.PERMERROR, "key does not allow sha256 (h=)");
        records.put("gone._domainkey.example.com", "v=DKIM1; k=rsa; p=bm90IGEga2V5");
        assertOne(verify(signed), Outcome.PERMERROR, "key syntax: p= is not an RSA public key");
        records.put("gone._domainkey.example.com", "v=DKIM2; p=" + TestKeys.b64(rsa2048.pair().getPublic().getEncoded()));
        assertOne(verify(signed), Outcome.PERMERROR, "key record: unknown version v=DKIM2");
        records.put("gone._domainkey.example.com", "k=rsa; v=DKIM1; p=" + TestKeys.b64(rsa2048.pair().getPublic().getEncoded()));
        assertOne(verify(signed), Outcome.PERMERROR, "key record: v= is not the first tag");
        records.put("gone._domainkey.example.com", " v = DKIM1 ; p=" + TestKeys.b64(rsa2048.pair().getPublic().getEncoded()));
        assertOne(verify(signed), Outcome.PASS, "signature verified");
        byte[] ed = sign(MESSAGE, ed25519, "gone", "relaxed/relaxed", false);
        records.put("gone._domainkey.example.com", "v=DKIM1; k=ed25519; p=AAAA");
        assertOne(verify(ed), Outcome.PERMERROR, "key syntax: p= is not an Ed25519 public key");
    }

    @Test
    void testingKeyTurnsAFailIntoNeutral() throws IOException {
        byte[] signed = sign(MESSAGE, rsa2048, "test", "relaxed/relaxed", false);
        records.put("test._domainkey.example.com", rsa2048.record() + "; t=y");
        assertOne(verify(signed), Outcome.PASS, "signature verified");
        byte[] altered = bytes(text(signed).replace("numbers", "Numbers"));
        assertOne(verify(altered), Outcome.NEUTRAL, "body hash did not verify (key in testing mode, t=y)");
    }

    @Test
    void keyLookupFailuresAreTemporaryOrPermanentAsTheSourceSays() throws IOException {
        byte[] signed = sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false);
        DkimVerifier.Message m = new DkimVerifier(name -> {
            throw new DkimKeyException("key lookup for " + name + " failed: SERVFAIL", true);
        }, DkimSettings.DEFAULTS, Clock.systemUTC()).begin();
        m.write(signed, 0, signed.length);
        assertOne(m.finish(), Outcome.TEMPERROR, "key lookup for s2048._domainkey.example.com failed: SERVFAIL");

        DkimSettings quick = new DkimSettings(1024, false, 5, Duration.ofMillis(300), Duration.ofMinutes(5), 256 * 1024);
        DkimVerifier.Message slow = new DkimVerifier(name -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }, quick, Clock.systemUTC()).begin();
        slow.write(signed, 0, signed.length);
        long t0 = System.nanoTime();
        assertOne(slow.finish(), Outcome.TEMPERROR, "key lookup timed out");
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "finish waited for the lookup, not the timeout");
    }

    @Test
    void lengthLimitedSignatureSurvivesAppendedTextOnlyWithLTag() throws IOException {
        byte[] withL = sign(MESSAGE, rsa2048, "s2048", "relaxed/simple", true);
        assertTrue(text(withL).replaceAll("\\s", "").contains(";l="), text(withL));
        byte[] appended = bytes(text(withL) + "-- \r\nAppended by a mailing list\r\n");
        List<DkimResult> r = verify(appended);
        assertEquals(Outcome.PASS, r.get(0).outcome(), r.toString());
        assertTrue(r.get(0).reason().startsWith("signature verified (l="), r.get(0).reason());
        assertEquals(List.of("pass"), dkimpy.verify(appended, records));
        byte[] withoutL = sign(MESSAGE, rsa2048, "s2048", "relaxed/simple", false);
        assertOne(verify(bytes(text(withoutL) + "-- \r\nAppended by a mailing list\r\n")), Outcome.FAIL, "body hash did not verify");
        // l= longer than what arrived: the body was cut.
        String cut = text(withL);
        assertOne(verify(bytes(cut.substring(0, cut.indexOf("Alice\r\n", cut.indexOf("\r\n\r\n"))))), Outcome.FAIL,
                verify(bytes(cut.substring(0, cut.indexOf("Alice\r\n", cut.indexOf("\r\n\r\n"))))).get(0).reason());
        assertTrue(verify(bytes(cut.substring(0, cut.indexOf("Alice\r\n", cut.indexOf("\r\n\r\n"))))).get(0).reason()
                .endsWith("is longer than the body"));
    }

    @Test
    void overSignedFromRefusesAnAddedFromAndMissingSignedHeadersAreFine() throws IOException {
        byte[] signed = dkimpy.sign(bytes(MESSAGE), rsa2048, "s2048", "example.com", "relaxed/relaxed", false,
                "from:to:subject:cc:reply-to");
        records.put("s2048._domainkey.example.com", rsa2048.record());
        assertOne(verify(signed), Outcome.PASS, "signature verified"); // cc and reply-to absent: signed as absent
        String s = text(signed);
        int body = s.indexOf("\r\n\r\n");
        byte[] addedCc = bytes(s.substring(0, body) + "\r\nCc: eve@example.net" + s.substring(body));
        assertOne(verify(addedCc), Outcome.FAIL, "signature did not verify");
        assertEquals(List.of("fail"), dkimpy.verify(addedCc, records));
        // dkimpy's default header list over-signs From: a second From: below breaks it.
        byte[] defaults = sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false);
        String d = text(defaults);
        int db = d.indexOf("\r\n\r\n");
        byte[] secondFrom = bytes(d.substring(0, db) + "\r\nFrom: mallory@example.net" + d.substring(db));
        assertOne(verify(secondFrom), Outcome.FAIL, "signature did not verify");
        assertEquals(List.of("fail"), dkimpy.verify(secondFrom, records));
    }

    @Test
    void oneByteAtATimeGivesTheSameResults() throws IOException {
        List<byte[]> messages = List.of(
                sign(MESSAGE, rsa2048, "s2048", "simple/simple", false),
                sign(MESSAGE, ed25519, "ed", "relaxed/relaxed", false),
                sign(MESSAGE, rsa2048, "s2048", "relaxed/simple", true),
                bytes(text(sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false)).replace("Alice\r\n", "Alice \r\n")),
                bytes(text(sign(MESSAGE, rsa2048, "s2048", "simple/simple", false)).replace("Alice\r\n", "Alice \r\n")),
                sign("From: a@example.com\r\nSubject: empty\r\n\r\n", rsa2048, "s2048", "simple/simple", false),
                sign("From: a@example.com\r\nSubject: empty\r\n\r\n", rsa2048, "s2048", "relaxed/relaxed", false),
                sign("From: a@example.com\r\n\r\nno final newline", rsa2048, "s2048", "relaxed/relaxed", false));
        for (byte[] m : messages) {
            List<DkimResult> whole = verify(m);
            for (int chunk : List.of(1, 2, 3, 7, 64)) {
                assertEquals(whole, verify(m, DkimSettings.DEFAULTS, Clock.systemUTC(), chunk), "chunk " + chunk);
            }
            String theirs = dkimpy.verify(m, records).get(0);
            assertEquals(theirs.equals("pass"), whole.get(0).passed(), text(m) + " ours " + whole + " dkimpy " + theirs);
        }
        // Bare CR and LF are body bytes like any other (dkimpy would turn a bare LF into CRLF before
        // signing; mxfront's doors never pass one on): the hash covers them as they are.
        byte[] bare = sign("From: a@example.com\r\n\r\nplain\r\n", rsa2048, "s2048", "simple/simple", false);
        assertOne(verify(bytes(text(bare).replace("plain\r\n", "pl\rain\r\n"))), Outcome.FAIL, "body hash did not verify");
        for (int chunk : List.of(1, 5)) {
            assertOne(verify(bare, DkimSettings.DEFAULTS, Clock.systemUTC(), chunk), Outcome.PASS, "signature verified");
        }
    }

    @Test
    void largeBodiesHashAlikeInAnyChunkingAndAgreeWithDkimpy() throws IOException {
        StringBuilder body = new StringBuilder();
        java.util.Random r = new java.util.Random(14);
        while (body.length() < 200_000) {
            int words = r.nextInt(14);
            for (int w = 0; w < words; w++) {
                body.append("abcdefghijklmnopqrstuvwxyz", 0, 1 + r.nextInt(25));
                body.append(r.nextInt(9) == 0 ? " \t " : " ");
            }
            body.append(r.nextInt(5) == 0 ? "  \r\n" : "\r\n");
        }
        String m = "From: a@example.com\r\nSubject: large\r\n\r\n" + body;
        for (String canon : List.of("simple/simple", "relaxed/relaxed")) {
            byte[] signed = sign(m, rsa2048, "s2048", canon, false);
            assertEquals(List.of("pass"), dkimpy.verify(signed, records), canon);
            for (int chunk : List.of(1, 77, 8191, 8192, 65536, signed.length)) {
                assertOne(verify(signed, DkimSettings.DEFAULTS, Clock.systemUTC(), chunk), Outcome.PASS, "signature verified");
            }
            byte[] altered = bytes(text(signed).substring(0, signed.length - 40) + "X" + text(signed).substring(signed.length - 39));
            assertOne(verify(altered, DkimSettings.DEFAULTS, Clock.systemUTC(), 8192), Outcome.FAIL, "body hash did not verify");
        }
    }

    /**
     * Random messages (folded and padded headers, runs of spaces and tabs, whitespace-only and trailing
     * empty lines, no final CRLF), signed by dkimpy in all four canonicalisations with and without l=,
     * then half of them altered in ways some canonicalisations tolerate and others do not: our verdict
     * equals dkimpy's on every one.
     */
    @Test
    void randomMessagesAndAlterationsGetDkimpysVerdict() throws IOException {
        java.util.Random r = new java.util.Random(8463);
        String[] canons = {"simple/simple", "relaxed/simple", "simple/relaxed", "relaxed/relaxed"};
        Map<String, byte[]> messages = new java.util.TreeMap<>();
        Map<String, String> canon = new HashMap<>();
        Map<String, Boolean> length = new HashMap<>();
        for (int i = 0; i < 80; i++) {
            String n = String.format("m%03d", i);
            messages.put(n, bytes(randomMessage(r)));
            canon.put(n, canons[i % 4]);
            length.put(n, r.nextInt(4) == 0);
        }
        records.put("rnd._domainkey.example.com", rsa2048.record());
        Map<String, byte[]> signed = dkimpy.signMany(messages, canon, length, rsa2048, "rnd", "example.com");
        Map<String, byte[]> checked = new java.util.TreeMap<>();
        for (Map.Entry<String, byte[]> e : signed.entrySet()) {
            checked.put(e.getKey(), bytes(r.nextBoolean() ? text(e.getValue()) : alter(text(e.getValue()), r)));
        }
        Map<String, String> theirs = dkimpy.verifyMany(checked, records);
        int passes = 0;
        for (Map.Entry<String, byte[]> e : checked.entrySet()) {
            List<DkimResult> ours = verify(e.getValue(), DkimSettings.DEFAULTS, Clock.systemUTC(), 1 + r.nextInt(100));
            String t = theirs.get(e.getKey());
            assertEquals(t.equals("pass"), ours.get(0).passed(),
                    e.getKey() + " " + canon.get(e.getKey()) + " ours " + ours.get(0) + " dkimpy " + t + "\n" + text(e.getValue()));
            if (ours.get(0).passed()) passes++;
        }
        assertTrue(passes > 40 && passes < 80, "both verdicts occur: " + passes + " passes");
    }

    static String randomMessage(java.util.Random r) {
        String[] ws = {" ", "  ", "\t", " \t "};
        StringBuilder m = new StringBuilder("From:" + ws[r.nextInt(4)] + "a@example.com" + (r.nextBoolean() ? " " : "") + "\r\n");
        m.append("To: b@example.org\r\n");
        m.append("Subject:").append(ws[r.nextInt(4)]).append("word").append(ws[r.nextInt(4)]).append("word");
        if (r.nextBoolean()) m.append("\r\n").append(ws[r.nextInt(4)]).append("folded").append(ws[r.nextInt(4)]).append("more");
        m.append("\r\n\r\n");
        int lines = r.nextInt(12);
        for (int i = 0; i < lines; i++) {
            int kind = r.nextInt(6);
            if (kind == 0) m.append("");
            else if (kind == 1) m.append(ws[r.nextInt(4)]);
            else for (int w = 0; w < 1 + r.nextInt(8); w++) m.append(ws[r.nextInt(4)]).append("w").append(w);
            if (i < lines - 1 || r.nextInt(5) != 0) m.append("\r\n");
        }
        return m.toString();
    }

    /** One alteration: whitespace inside or at the end of a line, empty lines at the end, or text. */
    static String alter(String m, java.util.Random r) {
        int body = m.indexOf("\r\n\r\n") + 4;
        return switch (r.nextInt(6)) {
            case 0 -> m + "\r\n\r\n";                                    // trailing empty lines
            case 1 -> m.substring(0, body) + m.substring(body).replaceFirst(" ", "  ");  // a space doubled in the body
            case 2 -> m.substring(0, body) + m.substring(body).replaceFirst("\r\n", " \r\n"); // trailing space in the body
            case 3 -> m.replaceFirst("Subject:", "Subject: ");              // space after a signed header's colon
            case 4 -> m.replaceFirst("To: b@", "to: b@");                   // header name case
            default -> m + "appended\r\n";                                // text after the end
        };
    }

    @Test
    void timesAreCheckedWithTheSkewAllowance() throws IOException {
        byte[] signed = sign(MESSAGE, rsa2048, "s2048", "relaxed/relaxed", false);
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        List<DkimResult> r = verify(signed, DkimSettings.DEFAULTS, past, 4096);
        assertEquals(Outcome.PERMERROR, r.get(0).outcome());
        assertTrue(r.get(0).reason().matches("signature timestamp t=\\d+ is in the future"), r.get(0).reason());
        Clock slightlyBehind = Clock.fixed(Instant.now().minus(Duration.ofMinutes(2)), ZoneOffset.UTC);
        assertOne(verify(signed, DkimSettings.DEFAULTS, slightlyBehind, 4096), Outcome.PASS, "signature verified");
    }

    @Test
    void handWrittenSignatureFieldsWithBadTags() {
        String[] bad = {
            "v=1; a=rsa-sha256; d=example.com; s=x; h=to; bh=AAAA; b=AAAA", "h= does not sign From",
            "v=2; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA", "unknown version v=2",
            "v=1; a=rsa-md5; d=example.com; s=x; h=from; bh=AAAA; b=AAAA", "unknown algorithm a=rsa-md5",
            "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA", "signature has no b=",
            "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA; i=a@example.net", "i= a@example.net is not in d=example.com",
            "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA; x=1000000000", "signature expired (x=1000000000)",
            "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA; c=fancy/simple", "unknown canonicalization c=fancy/simple",
            "v=1; v=1; a=rsa-sha256", "signature syntax: duplicate tag v=",
            "v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA; l=-5", "invalid l=-5",
        };
        for (int i = 0; i < bad.length; i += 2) {
            byte[] m = bytes("DKIM-Signature: " + bad[i] + "\r\nFrom: a@example.com\r\n\r\nbody\r\n");
            List<DkimResult> r = verify(m);
            assertOne(r, Outcome.PERMERROR, bad[i + 1]);
        }
        assertEquals(List.of(), verify(bytes("From: a@example.com\r\n\r\nunsigned\r\n")));
    }

    @Test
    void signaturesPastTheLimitAreNotVerified() throws IOException {
        byte[] m = bytes(MESSAGE);
        for (int i = 0; i < 6; i++) m = sign(text(m), rsa2048, "s2048", "relaxed/relaxed", false);
        List<DkimResult> r = verify(m);
        List<Outcome> outcomes = new ArrayList<>(r.stream().map(DkimResult::outcome).toList());
        assertEquals(List.of(Outcome.PASS, Outcome.PASS, Outcome.PASS, Outcome.PASS, Outcome.PASS, Outcome.POLICY), outcomes);
        assertEquals("not verified: more than 5 signatures", r.get(5).reason());
        assertEquals("example.com", r.get(5).domain());
    }
}
