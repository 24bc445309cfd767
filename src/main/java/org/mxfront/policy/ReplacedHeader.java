// A header field a check wants rewritten in place at end of message (the spam check's subject
// rewrite, "***SPAM*** original subject"): the first field of that name gets the new value. Only a
// door that can still edit the message applies it: the SMTP door when it held the message back
// (AddedHeader.expectAtEnd), the milter door with SMFIR_CHGHEADER. A message without such a field
// gets none: the check adds it with AddedHeader instead.
package org.mxfront.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * @param name  the field name, without the colon
 * @param value the new value, one line, without a leading space
 */
public record ReplacedHeader(String name, String value) {
    private static final Object KEY = new Object() {
        @Override
        public String toString() { return "replaced-headers"; }
    };

    public ReplacedHeader {
        if (!name.matches("[\\x21-\\x39\\x3b-\\x7e]+")) throw new IllegalArgumentException("bad header name: " + name);
        value = value.replaceAll("[\\r\\n]+", " ");
    }

    /** Asks for a field of the current transaction's message to be rewritten (a later ask for the same name wins). */
    public static void add(SessionState state, ReplacedHeader h) {
        List<ReplacedHeader> list = state.computeIfAbsent(KEY, ArrayList::new);
        list.removeIf(o -> o.name.equalsIgnoreCase(h.name));
        list.add(h);
    }

    /** The rewrites asked for in this transaction, and forgets them. */
    public static List<ReplacedHeader> take(SessionState state) {
        List<ReplacedHeader> list = state.get(KEY);
        state.remove(KEY);
        return list == null ? List.of() : List.copyOf(list);
    }
}
