// A downstream fault (refused connection, timeout, disconnect, protocol error): never a 250 to the client.
package org.mxfront.relay;

/** The downstream could not be reached or stopped answering; the client gets 451 4.4.1. */
public final class DownstreamException extends Exception {
    public DownstreamException(String message) {
        super(message);
    }

    public DownstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
