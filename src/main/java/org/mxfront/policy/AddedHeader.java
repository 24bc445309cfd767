// A header field a check wants added to the message (the sender-authentication checks'
// Authentication-Results). Checks put them into the session state under KEY; a door that can edit the
// message (the milter door, SMFIR_INSHEADER) adds them at end of message, others ignore them.
package org.mxfront.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One header field to add.
 *
 * @param name  the field name, without the colon
 * @param value the value, without a leading space; continuation lines separated by CRLF + whitespace
 * @param index where to insert it among the message's header fields (0: first), as SMFIR_INSHEADER counts
 */
public record AddedHeader(String name, String value, int index) {
    private static final Pattern NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");
    /** The session-state key of the transaction's list of added headers. */
    public static final Object KEY = new Object() {
        @Override
        public String toString() { return "added-headers"; }
    };

    public AddedHeader {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad header name: " + name);
        if (index < 0) throw new IllegalArgumentException("negative index");
    }

    /** Asks for a header to be added to the current transaction's message. */
    public static void add(SessionState state, AddedHeader h) {
        List<AddedHeader> list = state.computeIfAbsent(KEY, ArrayList::new);
        list.add(h);
    }

    /** Session-state key of the "headers will be added at end of message" mark. */
    private static final Object AT_END = new Object() {
        @Override
        public String toString() { return "added-headers-at-end"; }
    };

    /**
     * Says, when a message starts (a reader's open), that this check will add a header at end of
     * message, once the whole message has been read: a door that streams the message onward (the
     * SMTP door) then holds it back until the final dot so that the header can still go first.
     */
    public static void expectAtEnd(SessionState state) {
        state.put(AT_END, Boolean.TRUE);
    }

    /** True when a check said it adds a header at end of this message; and forgets the mark. */
    public static boolean takeExpectedAtEnd(SessionState state) {
        boolean b = state.get(AT_END) != null;
        state.remove(AT_END);
        return b;
    }

    /** The headers asked for so far in this transaction, and forgets them. */
    public static List<AddedHeader> take(SessionState state) {
        List<AddedHeader> list = state.get(KEY);
        state.remove(KEY);
        return list == null ? List.of() : List.copyOf(list);
    }
}
