// The attachment policy applied to one message stream: every name of every MIME entity (attached
// messages and nested multiparts included) and of every file inside its zip and 7z archives is judged by
// extension (three lists, each with its own reply), hidden characters and length; archives are
// opened with the per-message guards of ArchiveInspector. The first finding ends the scan and
// becomes the verdict here: content/ reports what it found, this check names the catalogue code.
package org.mxfront.checks.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mxfront.codes.Code;
import org.mxfront.content.ArchiveInspector;
import org.mxfront.content.ContentFinding;
import org.mxfront.content.FileNames;
import org.mxfront.content.MalformedMimeException;
import org.mxfront.content.MimeWalker;
import org.mxfront.content.ScanStop;
import org.mxfront.content.Spool;
import org.mxfront.policy.Verdict;

/** Scans one message. Use once, from one thread. */
final class AttachmentScanner implements MimeWalker.Visitor {
    private final AttachmentConfig config;
    private final Set<String> blocked;
    private final Set<String> outlook;
    private final Set<String> winzip;
    private final ArchiveInspector archives;
    private final Path spoolDir;

    AttachmentScanner(AttachmentConfig config, Set<String> blocked, Set<String> outlook, Set<String> winzip) {
        this.config = config;
        this.blocked = blocked;
        this.outlook = outlook;
        this.winzip = winzip;
        this.spoolDir = config.spoolDirectory().isBlank() ? null : Path.of(config.spoolDirectory());
        this.archives = new ArchiveInspector(new ArchiveInspector.Limits(config.archiveMaxDepth(),
                config.archiveMaxEntries(), config.archiveMaxRatio(), config.archiveMaxExpandedBytes(),
                config.encryptedArchives() == AttachmentConfig.Policy.REJECT,
                config.unreadableArchives() == AttachmentConfig.Policy.REJECT, config.spoolMemoryBytes(), spoolDir),
                (path, name) -> name(path, name, false));
    }

    /** A name this check's own rules refuse: the verdict is decided where the rule is. */
    record NameRefused(Verdict verdict) implements ContentFinding.RuleHit {}

    /** The verdict on the whole message: the first finding, or Continue. */
    Verdict scan(InputStream message) throws Exception {
        try {
            MimeWalker.walk(message, new MimeWalker.Limits(config.mimeMaxDepth(), config.mimeMaxParts()), this);
            return Verdict.CONTINUE;
        } catch (ScanStop stop) {
            return verdict(stop.finding());
        } catch (MalformedMimeException e) {
            return Verdict.reject(Code.MALFORMED_MIME, Map.of("reason", e.getMessage()));
        }
    }

    /** The reply for what the scan found. */
    static Verdict verdict(ContentFinding finding) {
        return switch (finding) {
            case ContentFinding.ArchiveBomb b -> Verdict.reject(Code.ARCHIVE_BOMB,
                    Map.of("name", FileNames.display(b.label()), "reason", b.reason()));
            case ContentFinding.EncryptedArchive e -> Verdict.reject(Code.ENCRYPTED_ARCHIVE, Map.of("name", FileNames.display(e.label())));
            case ContentFinding.UnreadableArchive u -> Verdict.reject(Code.UNREADABLE_ARCHIVE, Map.of("name", FileNames.display(u.label())));
            case NameRefused n -> n.verdict();
            case ContentFinding.RuleHit other -> throw new IllegalStateException("not this check's finding: " + other);
        };
    }

    @Override
    public void entity(MimeWalker.Entity e) throws ScanStop {
        for (String n : e.names()) name(n, n, true);
    }

    @Override
    public void body(MimeWalker.Entity e, InputStream decoded) throws ScanStop, IOException {
        if (!config.scanArchives()) return;
        byte[] head = decoded.readNBytes(4);
        boolean named = e.names().stream().anyMatch(n -> ArchiveInspector.archiveName(FileNames.normalize(n)));
        if (!ArchiveInspector.isArchive(head, head.length) && !named) return;
        String label = e.names().isEmpty() ? "(unnamed part)" : e.names().get(0);
        try (Spool zip = new Spool(config.spoolMemoryBytes(), spoolDir)) {
            zip.write(head, 0, head.length);
            decoded.transferTo(zip);
            archives.inspect(label, zip, 1);
        }
    }

    /**
     * Judges one name.
     *
     * @param label       what the reply calls it (for archive entries: archive/entry)
     * @param raw         the name as sent
     * @param checkLength apply max-name-length (attachment names only: the seed's rule is about the attached document)
     */
    void name(String label, String raw, boolean checkLength) throws ScanStop {
        String n = FileNames.normalize(raw);
        String ext = FileNames.extension(n);
        Map<String, String> vars = Map.of("name", FileNames.display(label));
        if (!ext.isEmpty()) {
            if (blocked.contains(ext)) throw refuse(Verdict.reject(Code.BLOCKED_ATTACHMENT, vars));
            if (outlook.contains(ext)) throw refuse(Verdict.reject(Code.OUTLOOK_BLOCKED_ATTACHMENT, vars));
            if (winzip.contains(ext)) throw refuse(Verdict.reject(Code.WINZIP_EXPLOIT_ATTACHMENT, vars));
        }
        if (config.rejectDeceptiveNames() && FileNames.deceptive(raw)) {
            throw refuse(Verdict.reject(Code.DECEPTIVE_ATTACHMENT_NAME, vars));
        }
        if (checkLength && config.maxNameLength() > 0 && n.codePointCount(0, n.length()) > config.maxNameLength()) {
            throw refuse(Verdict.reject(Code.ATTACHMENT_NAME_TOO_LONG, Map.of("limit", Integer.toString(config.maxNameLength()))));
        }
    }

    private static ScanStop refuse(Verdict verdict) {
        return new ScanStop(new NameRefused(verdict));
    }
}
