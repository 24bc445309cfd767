// The one failure a greylisting store reports: the check turns it into a fail-open accept.
package org.mxfront.greylist;

/** The store could not be read or written (Redis down or slow, disk error, file locked). */
public final class GreylistStoreException extends RuntimeException {
    public GreylistStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public GreylistStoreException(String message) {
        super(message);
    }
}
