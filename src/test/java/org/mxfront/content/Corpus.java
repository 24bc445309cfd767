// Real-world-shaped messages for the content tests, built in code so every byte is visible:
// multipart/mixed with base64 and quoted-printable parts, attached message/rfc822, nested
// multiparts, RFC 2231 and RFC 2047 names, zips (a blocked file inside, bombs, nesting, encrypted,
// damaged), truncated MIME, EICAR. Shared by the unit tests and the integration tests.
package org.mxfront.content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Message and archive builders. Messages use CRLF line ends and are not dot-stuffed. */
public final class Corpus {
    private Corpus() {}

    /** The EICAR test file (the standard 68 bytes). */
    public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /** One MIME part: its header lines (CRLF-terminated) and its already encoded body. */
    public record Part(String headers, String body) {
        String render() {
            return headers + "\r\n" + body;
        }
    }

    public static String head(String subject) {
        return "From: Alice <a@sender.example>\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode()) + "." + subject.length()
                + "@sender.example>\r\nMIME-Version: 1.0\r\n";
    }

    /** multipart/mixed with the given parts, under a header for the subject. */
    public static byte[] mixed(String subject, Part... parts) {
        return (head(subject) + multipart("mixed", "b-" + subject.length() + "-outer", parts)).getBytes(StandardCharsets.UTF_8);
    }

    /** The Content-Type line and body of a multipart (a nested part needs only this). */
    public static String multipart(String subtype, String boundary, Part... parts) {
        StringBuilder sb = new StringBuilder();
        sb.append("Content-Type: multipart/").append(subtype).append(";\r\n boundary=\"").append(boundary).append("\"\r\n\r\n");
        sb.append("This is a multi-part message in MIME format.\r\n");
        for (Part p : parts) sb.append("--").append(boundary).append("\r\n").append(p.render());
        sb.append("--").append(boundary).append("--\r\n");
        return sb.toString();
    }

    /** A nested multipart as a part. */
    public static Part nested(String subtype, String boundary, Part... parts) {
        String m = multipart(subtype, boundary, parts);
        int split = m.indexOf("\r\n\r\n") + 2;
        return new Part(m.substring(0, split), m.substring(split + 2));
    }

    public static Part text(String s) {
        return new Part("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n", s + "\r\n");
    }

    public static Part html(String s) {
        return new Part("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n", qp(s));
    }

    /** A base64 attachment named by Content-Disposition filename and Content-Type name. */
    public static Part attachment(String name, String type, byte[] data) {
        return rawAttachment("Content-Type: " + type + "; name=\"" + name + "\"\r\n", "attachment; filename=\"" + name + "\"", data);
    }

    /** A base64 attachment with the Content-Type line and Content-Disposition value given as is. */
    public static Part rawAttachment(String contentTypeLine, String disposition, byte[] data) {
        return new Part(contentTypeLine + "Content-Disposition: " + disposition + "\r\nContent-Transfer-Encoding: base64\r\n",
                base64(data));
    }

    /** A quoted-printable attachment. */
    public static Part qpAttachment(String name, String type, String content) {
        return new Part("Content-Type: " + type + "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\""
                + name + "\"\r\nContent-Transfer-Encoding: quoted-printable\r\n", qp(content));
    }

    /** An attached message (.eml). */
    public static Part rfc822(String name, byte[] message) {
        return new Part("Content-Type: message/rfc822; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\""
                + name + "\"\r\n", new String(message, StandardCharsets.UTF_8));
    }

    public static String base64(byte[] data) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data) + "\r\n";
    }

    /** Quoted-printable, soft line breaks at 76. */
    public static String qp(String s) {
        StringBuilder out = new StringBuilder();
        int col = 0;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            String enc = c == '\n' ? "\r\n" : c == '\r' ? "" : (c >= 33 && c <= 126 && c != '=') || c == ' ' ? String.valueOf((char) c)
                    : String.format("=%02X", c);
            if (c == '\n') col = 0;
            else if (col + enc.length() > 75) {
                out.append("=\r\n");
                col = 0;
            }
            out.append(enc);
            if (c != '\n') col += enc.length();
        }
        return out + "\r\n";
    }

    /** A single-part plain text message. */
    public static byte[] plain(String subject, String body) {
        return (head(subject) + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A zip of the given name/content pairs (deflated). */
    public static byte[] zip(Object... nameContent) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bytes)) {
            for (int i = 0; i < nameContent.length; i += 2) {
                byte[] data = nameContent[i + 1] instanceof byte[] b ? b : ((String) nameContent[i + 1]).getBytes(StandardCharsets.UTF_8);
                ZipArchiveEntry e = new ZipArchiveEntry((String) nameContent[i]);
                z.putArchiveEntry(e);
                z.write(data);
                z.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A 7z archive (LZMA2, solid) of the given name/content pairs, written by Commons Compress. */
    public static byte[] sevenZ(Object... nameContent) {
        try (org.apache.commons.compress.utils.SeekableInMemoryByteChannel ch = new org.apache.commons.compress.utils.SeekableInMemoryByteChannel();
                org.apache.commons.compress.archivers.sevenz.SevenZOutputFile z = new org.apache.commons.compress.archivers.sevenz.SevenZOutputFile(ch)) {
            for (int i = 0; i < nameContent.length; i += 2) {
                byte[] data = nameContent[i + 1] instanceof byte[] b ? b : ((String) nameContent[i + 1]).getBytes(StandardCharsets.UTF_8);
                org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry e = new org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry();
                e.setName((String) nameContent[i]);
                e.setSize(data.length);
                z.putArchiveEntry(e);
                z.write(data);
                z.closeArchiveEntry();
            }
            z.finish();
            return Arrays.copyOf(ch.array(), (int) ch.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A small 7z archive whose LZMA2 coder claims a 1 GiB dictionary (its property byte patched to 36
     * and both header CRCs recomputed): the decoder would allocate that much before reading a byte.
     */
    public static byte[] sevenZHugeDictionary() {
        byte[] a = sevenZ("a.txt", "hello");
        long offset = java.nio.ByteBuffer.wrap(a, 12, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        int size = (int) java.nio.ByteBuffer.wrap(a, 20, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        int header = (int) (32 + offset);
        boolean patched = false;
        // the coder: flags 0x21 (1-byte id, has properties), id 0x21 (LZMA2), 1 property byte
        for (int i = header; i + 3 < header + size; i++) {
            if (a[i] == 0x21 && a[i + 1] == 0x21 && a[i + 2] == 0x01) {
                a[i + 3] = 36;
                patched = true;
                break;
            }
        }
        if (!patched) throw new IllegalStateException("no LZMA2 coder in the header");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(a, header, size);
        java.nio.ByteBuffer.wrap(a, 28, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        crc.reset();
        crc.update(a, 12, 20);
        java.nio.ByteBuffer.wrap(a, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return a;
    }

    /** A zip with many small files. */
    public static byte[] zipOfMany(int files) {
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            args.add("f" + i + ".txt");
            args.add("x");
        }
        return zip(args.toArray());
    }

    /** A zip bomb of the simple kind: one file of zeros that deflates about 1000 to 1. */
    public static byte[] zipBomb(int megabytes) {
        return zip("zeros.txt", new byte[megabytes * 1024 * 1024]);
    }

    /** Archives nested the given number of levels, the innermost holding one harmless file. */
    public static byte[] nestedZip(int levels) {
        byte[] z = zip("readme.txt", "hello");
        for (int i = 1; i < levels; i++) z = zip("level" + i + ".zip", z);
        return z;
    }

    /**
     * A zip whose entry is flagged encrypted (general purpose bit 0 in the local and central headers),
     * as a password-protected archive is; the entry's name stays readable, as in real ones.
     */
    public static byte[] encryptedZip() {
        byte[] z = zip("contract.pdf", "%PDF-1.4 pretend these bytes are encrypted");
        for (int i = 0; i + 4 <= z.length; i++) {
            if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 3 && z[i + 3] == 4) z[i + 6] |= 1;
            if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) z[i + 8] |= 1;
        }
        return z;
    }

    /** The first part of a byte array (a truncated file or message). */
    public static byte[] cut(byte[] b, int length) {
        return Arrays.copyOf(b, Math.min(length, b.length));
    }

    /** Dot-stuffs a message for SMTP DATA and appends the terminating dot line. */
    public static byte[] smtpData(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1);
        if (s.startsWith(".")) s = "." + s;
        s = s.replace("\r\n.", "\r\n..");
        if (!s.endsWith("\r\n")) s += "\r\n";
        return (s + ".\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
