// What a file name really is once a mail client or Windows gets it: Unicode compatibility forms
// folded (NFKC: a fullwidth ".ｅｘｅ" is ".exe"), invisible format characters removed (zero-width
// spaces, soft hyphens, and the bidi controls such as U+202E RIGHT-TO-LEFT OVERRIDE that make
// "invoice\u202Efdp.exe" display as "invoiceexe.pdf"), trailing dots and spaces dropped as Windows
// drops them, directories cut off. Also the reply-safe form of a name.
package org.mxfront.content;

import java.text.Normalizer;
import java.util.Locale;

/** File-name helpers. Stateless. */
public final class FileNames {
    private FileNames() {}

    /** The name as the recipient's system would treat it: base name, NFKC, no invisible characters, no trailing dots or spaces. */
    public static String normalize(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKC);
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (!invisible(cp)) sb.appendCodePoint(cp);
        });
        String r = sb.toString();
        int slash = Math.max(r.lastIndexOf('/'), r.lastIndexOf('\\'));
        if (slash >= 0) r = r.substring(slash + 1);
        int end = r.length();
        while (end > 0 && (r.charAt(end - 1) == '.' || r.charAt(end - 1) == ' ')) end--;
        return r.substring(0, end).strip();
    }

    /** The last extension, lower-case, without the dot; empty when there is none. */
    public static String extension(String normalizedName) {
        int dot = normalizedName.lastIndexOf('.');
        return dot < 0 ? "" : normalizedName.substring(dot + 1).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * True when the name hides what it is: bidi controls (U+202A-202E, U+2066-2069, U+200E/F,
     * U+061C), other invisible format characters, or control characters.
     */
    public static boolean deceptive(String name) {
        return name.codePoints().anyMatch(FileNames::invisible);
    }

    /** Characters that display as nothing or reorder what follows. */
    static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x034F
                || cp >= 0x180B && cp <= 0x180F || cp >= 0xFE00 && cp <= 0xFE0F;
    }

    /** A printable-ASCII form of a name for reply lines: other characters become '?', long names are cut. */
    public static String display(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), 80));
        name.codePoints().limit(100).forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7f ? (char) cp : '?'));
        if (name.codePointCount(0, name.length()) > 100) sb.append("...");
        return sb.toString();
    }
}
