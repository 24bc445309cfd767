// The attachment policy over the corpus: one row per real-world shape, with the exact reply line
// it gets (or none). The scanner is called directly here; AttachmentCheckTest covers the streaming.
package org.mxfront.checks.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.content.Corpus.attachment;
import static org.mxfront.content.Corpus.cut;
import static org.mxfront.content.Corpus.html;
import static org.mxfront.content.Corpus.mixed;
import static org.mxfront.content.Corpus.nested;
import static org.mxfront.content.Corpus.qpAttachment;
import static org.mxfront.content.Corpus.rfc822;
import static org.mxfront.content.Corpus.text;
import static org.mxfront.content.Corpus.zip;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mxfront.codes.ReplyCatalogue;
import org.mxfront.content.Corpus;
import org.mxfront.policy.Verdict;

class AttachmentScannerTest {
    static final AttachmentConfig DEFAULTS = config(null, null, null, null, null);
    static final byte[] PDF = "%PDF-1.4\n% a small document\n".getBytes(StandardCharsets.US_ASCII);

    static AttachmentConfig config(Integer maxEntries, Long maxExpanded, AttachmentConfig.Policy encrypted,
            AttachmentConfig.Policy unreadable, Integer mimeMaxParts) {
        return new AttachmentConfig(null, null, null, null, null, null, null, maxEntries, null, maxExpanded, encrypted,
                unreadable, null, mimeMaxParts, null, null, null);
    }

    static Verdict scan(AttachmentConfig c, byte[] message) throws Exception {
        AttachmentScanner s = new AttachmentScanner(c, new HashSet<>(c.blockedExtensions()),
                new HashSet<>(c.outlookBlockedExtensions()), new HashSet<>(c.winzipExploitExtensions()));
        return s.scan(new ByteArrayInputStream(message));
    }

    /** The first reply line a verdict renders to, "pass" for none. */
    static String reply(Verdict v) {
        if (!v.negative()) return "pass";
        return v.code().smtpCode() + " " + v.code().enhanced() + " "
                + ReplyCatalogue.defaults().render(v.code(), v.vars(), "127.0.0.2", "mx.test").lines().get(0);
    }

    static Stream<Arguments> corpus() {
        byte[] innerWithExe = mixed("fwd inner", text("see attached"), attachment("tool.exe", "application/octet-stream", PDF));
        String longName = "a".repeat(47) + ".pdf"; // 51 characters
        byte[] bigZipWithExe = zip("docs/readme.txt", "read me", "docs/invoice.pdf.exe", PDF);
        return Stream.of(
                Arguments.of("plain text", Corpus.plain("hello", "just text"), DEFAULTS, "pass"),
                Arguments.of("pdf attachment, html alternative", mixed("report",
                        nested("alternative", "alt-1", text("hi"), html("<p>hi</p>")),
                        attachment("report.pdf", "application/pdf", PDF)), DEFAULTS, "pass"),
                Arguments.of("blocked extension", mixed("exe", text("run it"), attachment("setup.exe", "application/octet-stream", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of setup.exe is blocked."),
                Arguments.of("upper case extension", mixed("EXE", attachment("SETUP.EXE", "application/octet-stream", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of SETUP.EXE is blocked."),
                Arguments.of("double extension", mixed("double", attachment("invoice.pdf.exe", "application/pdf", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of invoice.pdf.exe is blocked."),
                Arguments.of("trailing dot and spaces", mixed("dots", attachment("invoice.exe. . ", "application/pdf", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of invoice.exe. . is blocked."),
                Arguments.of("quoted-printable script", mixed("qp", qpAttachment("cleanup.bat", "text/plain", "del /q *.*\n")),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of cleanup.bat is blocked."),
                Arguments.of("Content-Type name only", mixed("ctname", new Corpus.Part(
                        "Content-Type: application/octet-stream; name=\"update.scr\"\r\nContent-Transfer-Encoding: base64\r\n",
                        Corpus.base64(PDF))), DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of update.scr is blocked."),
                Arguments.of("RFC 2231 continuations", mixed("2231", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment;\r\n filename*0*=UTF-8''Rechnung%20M%C3%A4rz;\r\n filename*1=\".pdf\";\r\n filename*2*=%2Ejs", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of Rechnung M?rz.pdf.js is blocked."),
                Arguments.of("RFC 2231 extended value", mixed("2231b", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename*=iso-8859-1'de'Pr%FCfung.vbs", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of Pr?fung.vbs is blocked."),
                Arguments.of("RFC 2047 encoded word", mixed("2047", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename=\"=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(
                                "счёт.cmd".getBytes(StandardCharsets.UTF_8)) + "?=\"", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of ????.cmd is blocked."),
                Arguments.of("different name per header: the worse one counts", mixed("two names", Corpus.rawAttachment(
                        "Content-Type: application/pdf; name=\"invoice.pdf\"\r\n", "attachment; filename=\"invoice.hta\"", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of invoice.hta is blocked."),
                Arguments.of("right-to-left override hiding an exe", mixed("rlo", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of invoice?fdp.exe is blocked."),
                Arguments.of("right-to-left override, harmless type", mixed("rlo2", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename*=UTF-8''annual%E2%80%AEtxt.pdf", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT64: Attachment name annual?txt.pdf hides its type with invisible or right-to-left characters."),
                Arguments.of("zero-width space inside the extension", mixed("zwsp", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename*=UTF-8''setup.e%E2%80%8Bxe", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of setup.e?xe is blocked."),
                Arguments.of("fullwidth extension", mixed("fullwidth", Corpus.rawAttachment("Content-Type: application/pdf\r\n",
                        "attachment; filename*=UTF-8''setup.%EF%BD%85%EF%BD%98%EF%BD%85", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of setup.??? is blocked."),
                Arguments.of("Outlook's list", mixed("iso", attachment("disk.iso", "application/octet-stream", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT45: Attachment type of disk.iso is on Outlook's blocked list."),
                Arguments.of("WinZip exploit", mixed("uue", attachment("archive.uue", "application/octet-stream", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT46: Attachment archive.uue can be used to exploit WinZip (.b64 .bhx .hqx .mim .uue .xxe)."),
                Arguments.of("name of 51 characters", mixed("long", attachment(longName, "application/pdf", PDF)),
                        DEFAULTS, "554 5.7.1 XM-RJCT47: The name of the attached document is longer than 50 characters."),
                Arguments.of("name of 50 characters", mixed("long ok", attachment("a".repeat(46) + ".pdf", "application/pdf", PDF)),
                        DEFAULTS, "pass"),
                Arguments.of("attached message carrying an exe", mixed("fwd", text("forwarded"), rfc822("inner.eml", innerWithExe)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of tool.exe is blocked."),
                Arguments.of("base64 attached message carrying an exe", mixed("fwd64", text("forwarded"), new Corpus.Part(
                        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n", Corpus.base64(innerWithExe))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of tool.exe is blocked."),
                Arguments.of("nested multiparts", mixed("deep", nested("mixed", "in-1", text("a"),
                        nested("related", "in-2", html("<img src=cid:x>"), attachment("macro.vbs", "text/plain", PDF)))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of macro.vbs is blocked."),
                Arguments.of("zip with a blocked file inside", mixed("zip", text("invoice attached"),
                        attachment("invoice.zip", "application/zip", bigZipWithExe)),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of invoice.zip/docs/invoice.pdf.exe is blocked."),
                Arguments.of("zip found by content, not name", mixed("zip2", attachment("data.bin", "application/octet-stream",
                        zip("a.lnk", "x"))), DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of data.bin/a.lnk is blocked."),
                Arguments.of("harmless zip (office-like)", mixed("docx", attachment("minutes.docx", "application/vnd.openxmlformats",
                        zip("[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>"))), DEFAULTS, "pass"),
                Arguments.of("zip in zip with a script", mixed("zipzip", attachment("outer.zip", "application/zip",
                        zip("inner.zip", zip("run.js", "WScript.Echo(1)")))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of outer.zip/inner.zip/run.js is blocked."),
                Arguments.of("zip bomb (ratio)", mixed("bomb", attachment("bomb.zip", "application/zip", Corpus.zipBomb(10))),
                        DEFAULTS, "554 5.7.1 XM-RJCT60: Attachment bomb.zip looks like an archive bomb: compressed more than 100 to 1."),
                Arguments.of("archives nested too deep", mixed("nest", attachment("nest.zip", "application/zip", Corpus.nestedZip(4))),
                        DEFAULTS, "554 5.7.1 XM-RJCT60: Attachment nest.zip/level3.zip/level2.zip looks like an archive bomb: archives nested more than 3 levels deep."),
                Arguments.of("archives nested to the limit", mixed("nest ok", attachment("nest.zip", "application/zip", Corpus.nestedZip(3))),
                        DEFAULTS, "pass"),
                Arguments.of("too many files", mixed("many", attachment("many.zip", "application/zip", Corpus.zipOfMany(101))),
                        config(100, null, null, null, null),
                        "554 5.7.1 XM-RJCT60: Attachment many.zip looks like an archive bomb: more than 100 files."),
                Arguments.of("expands too far", mixed("big", attachment("big.zip", "application/zip", zip("a.txt", new byte[4096]))),
                        config(null, 2048L, null, null, null),
                        "554 5.7.1 XM-RJCT60: Attachment big.zip looks like an archive bomb: expands to more than 2048 bytes."),
                Arguments.of("encrypted zip", mixed("enc", attachment("contract.zip", "application/zip", Corpus.encryptedZip())),
                        DEFAULTS, "554 5.7.1 XM-RJCT61: Attachment contract.zip is an encrypted archive, which cannot be scanned."),
                Arguments.of("encrypted zip allowed", mixed("enc ok", attachment("contract.zip", "application/zip", Corpus.encryptedZip())),
                        config(null, null, AttachmentConfig.Policy.ALLOW, null, null), "pass"),
                Arguments.of("7z with an exe", mixed("7z", attachment("pack.7z", "application/x-7z-compressed",
                        Corpus.sevenZ("docs/readme.txt", "hello", "docs/setup.exe", "MZ"))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of pack.7z/docs/setup.exe is blocked."),
                Arguments.of("7z, harmless", mixed("7z ok", attachment("photos.7z", "application/x-7z-compressed",
                        Corpus.sevenZ("a.jpg", new byte[3000], "b.txt", "x"))), DEFAULTS, "pass"),
                Arguments.of("7z under another name and type", mixed("7z named", attachment("data.bin", "application/octet-stream",
                        Corpus.sevenZ("run.js", "WScript.Echo(1)"))), DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of data.bin/run.js is blocked."),
                Arguments.of("zip inside 7z", mixed("7zzip", attachment("outer.7z", "application/x-7z-compressed",
                        Corpus.sevenZ("inner.zip", zip("invoice.pdf.exe", "MZ")))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of outer.7z/inner.zip/invoice.pdf.exe is blocked."),
                Arguments.of("7z bomb (ratio)", mixed("7zbomb", attachment("bomb.7z", "application/x-7z-compressed",
                        Corpus.sevenZ("zeros.txt", new byte[10 * 1024 * 1024]))),
                        DEFAULTS, "554 5.7.1 XM-RJCT60: Attachment bomb.7z looks like an archive bomb: compressed more than 100 to 1."),
                Arguments.of("7z with too many files", mixed("7zmany", attachment("many.7z", "application/x-7z-compressed",
                        Corpus.sevenZ(java.util.stream.IntStream.range(0, 101).boxed()
                                .flatMap(i -> java.util.stream.Stream.of("f" + i + ".txt", "x")).toArray()))),
                        config(100, null, null, null, null),
                        "554 5.7.1 XM-RJCT60: Attachment many.7z looks like an archive bomb: more than 100 files."),
                Arguments.of("7z whose decoder would need a 1 GiB dictionary", mixed("7zdict", attachment("huge.7z",
                        "application/x-7z-compressed", Corpus.sevenZHugeDictionary())),
                        DEFAULTS, "554 5.7.1 XM-RJCT62: Attachment huge.7z is a damaged archive, which cannot be scanned."),
                Arguments.of("truncated 7z", mixed("7ztrunc", attachment("photos.7z", "application/x-7z-compressed",
                        cut(Corpus.sevenZ("a.jpg", new byte[3000], "b.jpg", "jpeg"), 40))),
                        DEFAULTS, "554 5.7.1 XM-RJCT62: Attachment photos.7z is a damaged archive, which cannot be scanned."),
                Arguments.of("truncated zip", mixed("trunc", attachment("photos.zip", "application/zip",
                        cut(zip("a.jpg", new byte[3000], "b.jpg", "jpeg"), 200))),
                        DEFAULTS, "554 5.7.1 XM-RJCT62: Attachment photos.zip is a damaged archive, which cannot be scanned."),
                Arguments.of("truncated zip, blocked name still readable", mixed("trunc2", attachment("photos.zip", "application/zip",
                        cut(zip("a.jpg", "jpeg", "b.scr", new byte[3000]), 200))),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of photos.zip/b.scr is blocked."),
                Arguments.of("damaged zip allowed", mixed("trunc3", attachment("photos.zip", "application/zip",
                        cut(zip("a.jpg", new byte[3000]), 100))), config(null, null, null, AttachmentConfig.Policy.ALLOW, null), "pass"),
                Arguments.of("truncated MIME, exe part cut in its body", cut(mixed("cut", text("x"),
                        attachment("payload.exe", "application/octet-stream", new byte[3000])), 900),
                        DEFAULTS, "554 5.7.1 XM-RJCT44: Attachment type of payload.exe is blocked."),
                Arguments.of("truncated MIME, harmless", cut(mixed("cut2", text("x"),
                        attachment("report.pdf", "application/pdf", new byte[3000])), 900), DEFAULTS, "pass"),
                Arguments.of("no closing boundary, junk base64", (Corpus.head("junk") + "Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
                        + "--zz\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!@@@###\r\n")
                        .getBytes(StandardCharsets.US_ASCII), DEFAULTS, "pass"),
                Arguments.of("MIME nested too deep", deeplyNested(25), DEFAULTS,
                        "554 5.6.0 XM-RJCT63: Message refused: malformed MIME structure: nested more than 20 levels deep."),
                Arguments.of("too many parts", mixed("parts", text("1"), text("2"), text("3"), text("4"), text("5"), text("6")),
                        config(null, null, null, null, 5),
                        "554 5.6.0 XM-RJCT63: Message refused: malformed MIME structure: more than 5 parts."),
                Arguments.of("part header line over 64 KiB", mixed("hdr", new Corpus.Part(
                        "Content-Type: text/plain\r\nX-Junk: " + "x".repeat(70_000) + "\r\n", "body\r\n")), DEFAULTS,
                        "554 5.6.0 XM-RJCT63: Message refused: malformed MIME structure: a header line is longer than 65536 bytes."));
    }

    static byte[] deeplyNested(int levels) {
        Corpus.Part p = text("bottom");
        for (int i = 0; i < levels; i++) p = nested("mixed", "n" + i, p);
        return mixed("nested", p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusGetsItsReply(String name, byte[] message, AttachmentConfig config, String expected) throws Exception {
        assertEquals(expected, reply(scan(config, message)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("editedLists")
    void listsAreEditable(List<String> blocked, String expected) throws Exception {
        AttachmentConfig c = new AttachmentConfig(blocked, List.of(), List.of(), 0, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
        assertEquals(expected, reply(scan(c, mixed("edited", attachment("script.PY", "text/plain", PDF)))));
    }

    static Stream<Arguments> editedLists() {
        return Stream.of(Arguments.of(List.of(".py"), "554 5.7.1 XM-RJCT44: Attachment type of script.PY is blocked."),
                Arguments.of(List.of("exe"), "pass"));
    }

}
