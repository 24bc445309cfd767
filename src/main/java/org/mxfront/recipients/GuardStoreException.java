// The one failure the dictionary-attack guard's store reports (Redis down or slow): the guard turns
// it into "blocks no one" (fail open).
package org.mxfront.recipients;

/** The guard store could not be read or written. */
public final class GuardStoreException extends RuntimeException {
    public GuardStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
