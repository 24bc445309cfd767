// A classifier answered, but not in its protocol (garbage, an HTTP error, a cut answer): handled
// like a classifier that is down (on-failure), never as a verdict on the message.
package org.mxfront.spam;

import java.io.IOException;

/** An answer that cannot be read. */
public final class SpamProtocolException extends IOException {
    public SpamProtocolException(String message) {
        super(message);
    }

    public SpamProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
