// Ends a content scan early with a finding (the first blocked attachment decides; nothing after
// it needs reading).
package org.mxfront.content;

/** Carries the deciding finding out of a nested scan. */
public final class ScanStop extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ContentFinding finding;

    public ScanStop(ContentFinding finding) {
        super(null, null, false, false);
        this.finding = finding;
    }

    public ContentFinding finding() { return finding; }
}
