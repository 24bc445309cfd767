// What content inspection found that ends a scan, in content's own terms: content/ sits below the
// checks and knows neither verdicts nor reply codes, so the check that runs the scan turns a
// finding into its verdict (checks/attachments: ARCHIVE_BOMB, ENCRYPTED_ARCHIVE, ...).
package org.mxfront.content;

/**
 * A reason to stop scanning a message. The archive findings are content's own; a caller's rule
 * (an attachment name on a blocked list) stops a walk with a {@link RuleHit} of its own type.
 */
public sealed interface ContentFinding {
    /**
     * A guard tripped: too many files, too many bytes expanded, too high a ratio, nested too deep.
     *
     * @param label  the archive as the message names it (the attachment, or the path to a nested archive)
     * @param reason what tripped, in words for the reply ({@code more than 10000 files})
     */
    record ArchiveBomb(String label, String reason) implements ContentFinding {}

    /** An archive with encrypted entries, whose content cannot be scanned (when the policy refuses them). */
    record EncryptedArchive(String label) implements ContentFinding {}

    /** An archive that cannot be read to its end (when the policy refuses them). */
    record UnreadableArchive(String label) implements ContentFinding {}

    /** A finding of the caller's own rule (given to the walk or the archive inspector); content passes it through. */
    non-sealed interface RuleHit extends ContentFinding {}
}
