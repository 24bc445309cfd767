// A message whose structure exceeds the limits the scanners keep to (see MimeWalker): refused as
// malformed MIME rather than scanned in part.
package org.mxfront.content;

/** Thrown by the MIME walk when a structural limit trips; the message says which, for the reply. */
public final class MalformedMimeException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMimeException(String reason) {
        super(reason);
    }
}
