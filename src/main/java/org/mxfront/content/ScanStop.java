// Ends a content scan early with a verdict (the first blocked attachment decides; nothing after
// it needs reading).
package org.mxfront.content;

import org.mxfront.policy.Verdict;

/** Carries the deciding verdict out of a nested scan. */
public final class ScanStop extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Verdict verdict;

    public ScanStop(Verdict verdict) {
        super(null, null, false, false);
        this.verdict = verdict;
    }

    public Verdict verdict() { return verdict; }
}
