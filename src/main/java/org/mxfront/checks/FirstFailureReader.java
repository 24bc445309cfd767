// A content check's MessageReader whose sink may fail (DKIM's verifier, the virus check's spool):
// the first failure is kept, later bytes are dropped, and finish() decides what the failure means
// (accept without results, defer, fail open). One place for the pattern both checks had a copy of.
package org.mxfront.checks;

import org.mxfront.policy.MessageCheck.MessageReader;

/** A reader that keeps the first failure of its sink. */
public abstract class FirstFailureReader implements MessageReader {
    private Exception failure;

    /** Passes bytes on; may throw, after which no more bytes come. */
    protected abstract void accept(byte[] buf, int off, int len) throws Exception;

    @Override
    public final void write(byte[] buf, int off, int len) {
        if (failure != null) return;
        try {
            accept(buf, off, len);
        } catch (Exception e) {
            failure = e;
        }
    }

    /** The first failure of {@link #accept}, or null. */
    protected final Exception failure() {
        return failure;
    }
}
