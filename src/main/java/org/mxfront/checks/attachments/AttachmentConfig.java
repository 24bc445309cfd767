// Settings of the attachments check (keys under checks.attachments, all overridable per domain):
// blocked-extensions, outlook-blocked-extensions, winzip-exploit-extensions (lists, without dots),
// max-name-length (50; 0 = no limit), reject-deceptive-names (true), scan-archives (true),
// archive-max-depth (3), archive-max-entries (10000), archive-max-ratio (100),
// archive-max-expanded-bytes (104857600), encrypted-archives / unreadable-archives (reject|allow),
// mime-max-depth (20), mime-max-parts (1000), spool-memory-bytes (262144), spool-directory (""), scan-timeout (60s).
package org.mxfront.checks.attachments;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Attachment policy.
 *
 * @param blockedExtensions        the provider's blocked file types: XM-RJCT44
 * @param outlookBlockedExtensions Outlook's blocked list (Level 1): XM-RJCT45
 * @param winzipExploitExtensions  types that exploit WinZip's associations: XM-RJCT46
 * @param maxNameLength            longest attachment name in characters (XM-RJCT47), 0 for no limit
 * @param rejectDeceptiveNames     refuse names with right-to-left overrides or other invisible characters
 * @param scanArchives             look inside zip and 7z archives
 * @param archiveMaxDepth          archive nesting looked into (1: only the attached archive)
 * @param archiveMaxEntries        files in all of a message's archives
 * @param archiveMaxRatio          expansion ratio allowed per archive (once past 1 MiB expanded)
 * @param archiveMaxExpandedBytes  bytes a message's archives may expand to
 * @param encryptedArchives        reject or allow archives with encrypted files (their names are checked either way)
 * @param unreadableArchives       reject or allow archives that cannot be read to the end
 * @param mimeMaxDepth             MIME nesting (multiparts, attached messages) allowed
 * @param mimeMaxParts             MIME parts allowed in one message
 * @param spoolMemoryBytes         memory an archive may take before it spools to a file
 * @param spoolDirectory           where spool files go; empty for the system's temporary directory
 * @param scanTimeout              longest wait for the scan at the final dot (and for the scanner to keep up)
 */
public record AttachmentConfig(List<String> blockedExtensions, List<String> outlookBlockedExtensions,
        List<String> winzipExploitExtensions, Integer maxNameLength, Boolean rejectDeceptiveNames, Boolean scanArchives,
        Integer archiveMaxDepth, Integer archiveMaxEntries, Integer archiveMaxRatio, Long archiveMaxExpandedBytes,
        Policy encryptedArchives, Policy unreadableArchives, Integer mimeMaxDepth, Integer mimeMaxParts,
        Integer spoolMemoryBytes, String spoolDirectory, Duration scanTimeout) {

    /** What to do with an archive that cannot be looked into. */
    public enum Policy {
        @JsonProperty("reject") REJECT,
        @JsonProperty("allow") ALLOW
    }

    /** The provider's list (seed 002: "an attachment file type on the blocked list"). */
    public static final List<String> BLOCKED = List.of("ade", "adp", "app", "asp", "bas", "bat", "chm", "cmd", "com",
            "cpl", "crt", "csh", "exe", "fxp", "hlp", "hta", "inf", "ins", "isp", "js", "jse", "ksh", "lnk", "mda",
            "mdb", "mde", "mdt", "mdw", "mdz", "msc", "msi", "msp", "mst", "ops", "pcd", "pif", "prf", "prg", "reg",
            "scf", "scr", "sct", "shb", "shs", "url", "vb", "vbe", "vbs", "wsc", "wsf", "wsh");

    /** Outlook's Level 1 list (Microsoft's "Blocked attachments in Outlook"). */
    public static final List<String> OUTLOOK = List.of("ade", "adp", "app", "appcontent-ms", "application",
            "appref-ms", "asp", "aspx", "asx", "bas", "bat", "bgi", "cab", "cdxml", "cer", "chm", "cmd", "cnt", "com",
            "cpl", "crt", "csh", "der", "diagcab", "exe", "fxp", "gadget", "grp", "hlp", "hpj", "hta", "htc", "inf",
            "ins", "iso", "isp", "its", "jar", "jnlp", "js", "jse", "ksh", "lnk", "mad", "maf", "mag", "mam", "maq",
            "mar", "mas", "mat", "mau", "mav", "maw", "mcf", "mda", "mdb", "mde", "mdt", "mdw", "mdz", "msc", "msh",
            "msh1", "msh2", "mshxml", "msh1xml", "msh2xml", "msi", "msp", "mst", "msu", "ops", "osd", "pcd", "pif",
            "pl", "plg", "prf", "prg", "printerexport", "ps1", "ps1xml", "ps2", "ps2xml", "psc1", "psc2", "psd1",
            "psdm1", "pst", "py", "pyc", "pyo", "pyw", "pyz", "pyzw", "reg", "scf", "scr", "sct", "shb", "shs",
            "theme", "tmp", "url", "vb", "vbe", "vbp", "vbs", "vhd", "vhdx", "vsmacros", "vsw", "webpnp", "website",
            "ws", "wsb", "wsc", "wsf", "wsh", "xbap", "xll", "xnk");

    /** Seed 002: ".b64, .bhx, .hqx, .mim, .uue, or .xxe". */
    public static final List<String> WINZIP = List.of("b64", "bhx", "hqx", "mim", "uue", "xxe");

    public AttachmentConfig {
        blockedExtensions = extensions(blockedExtensions, BLOCKED, "blocked-extensions");
        outlookBlockedExtensions = extensions(outlookBlockedExtensions, OUTLOOK, "outlook-blocked-extensions");
        winzipExploitExtensions = extensions(winzipExploitExtensions, WINZIP, "winzip-exploit-extensions");
        if (maxNameLength == null) maxNameLength = 50;
        if (rejectDeceptiveNames == null) rejectDeceptiveNames = true;
        if (scanArchives == null) scanArchives = true;
        if (archiveMaxDepth == null) archiveMaxDepth = 3;
        if (archiveMaxEntries == null) archiveMaxEntries = 10_000;
        if (archiveMaxRatio == null) archiveMaxRatio = 100;
        if (archiveMaxExpandedBytes == null) archiveMaxExpandedBytes = 100L * 1024 * 1024;
        if (encryptedArchives == null) encryptedArchives = Policy.REJECT;
        if (unreadableArchives == null) unreadableArchives = Policy.REJECT;
        if (mimeMaxDepth == null) mimeMaxDepth = 20;
        if (mimeMaxParts == null) mimeMaxParts = 1000;
        if (spoolMemoryBytes == null) spoolMemoryBytes = 256 * 1024;
        if (spoolDirectory == null) spoolDirectory = "";
        if (scanTimeout == null) scanTimeout = Duration.ofSeconds(60);
        if (maxNameLength < 0) throw new IllegalArgumentException("max-name-length must be 0 (no limit) or more");
        if (archiveMaxDepth < 1) throw new IllegalArgumentException("archive-max-depth must be at least 1");
        if (archiveMaxEntries < 1) throw new IllegalArgumentException("archive-max-entries must be at least 1");
        if (archiveMaxRatio < 2) throw new IllegalArgumentException("archive-max-ratio must be at least 2");
        if (archiveMaxExpandedBytes < 1024) throw new IllegalArgumentException("archive-max-expanded-bytes must be at least 1024");
        if (mimeMaxDepth < 1) throw new IllegalArgumentException("mime-max-depth must be at least 1");
        if (mimeMaxParts < 1) throw new IllegalArgumentException("mime-max-parts must be at least 1");
        if (spoolMemoryBytes < 0) throw new IllegalArgumentException("spool-memory-bytes must not be negative");
        if (scanTimeout.isNegative() || scanTimeout.isZero()) throw new IllegalArgumentException("scan-timeout must be longer than zero");
    }

    /** Lower-case, without leading dots; null takes the default list. */
    private static List<String> extensions(List<String> given, List<String> dflt, String key) {
        if (given == null) return dflt;
        return given.stream().map(e -> {
            if (e == null || e.isBlank()) throw new IllegalArgumentException(key + " has an empty entry");
            String s = e.strip().toLowerCase(Locale.ROOT);
            while (s.startsWith(".")) s = s.substring(1);
            return s;
        }).toList();
    }
}
