// A DKIM key lookup that did not give an answer: temporary (timeout, SERVFAIL: TEMPERROR) or not.
package org.mxfront.dkim;

/** A key record could not be fetched. */
public final class DkimKeyException extends Exception {
    private final boolean temporary;

    public DkimKeyException(String message, boolean temporary) {
        super(message);
        this.temporary = temporary;
    }

    /** True when asking again later may succeed (timeout, SERVFAIL): the result is TEMPERROR. */
    public boolean temporary() {
        return temporary;
    }
}
