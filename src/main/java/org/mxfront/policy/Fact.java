// What a check needs from the door it runs behind, beyond the envelope every door gives: the
// client's own connection, the message itself, the right to add or change a header. Checks declare
// what they need (Check.needs), doors what they supply, so no door keeps a list of check names and a
// new content check touches no door.
package org.mxfront.policy;

/** Something only some doors can give a check. */
public enum Fact {
    /** The client's TCP connection is held by mxfront (counting connections, holding the greeting). */
    CONNECTION,
    /** The message's headers and body reach mxfront. */
    MESSAGE,
    /** mxfront may add or change a header of the message. */
    HEADER_EDIT
}
