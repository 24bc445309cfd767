// A rate-limit store could not answer (Redis down or slow): the check fails open on it.
package org.mxfront.ratelimit;

/** A store failure. */
public final class RateLimitStoreException extends RuntimeException {
    public RateLimitStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
