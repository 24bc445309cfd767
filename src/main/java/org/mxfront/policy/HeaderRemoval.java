// A header field a check wants removed from the message before it goes on: the
// Authentication-Results fields that claim our authserv-id (RFC 8601 5: a receiver removes or
// renames forged ones). Asked for when a message starts (a reader's open), so that a door streaming
// the message can drop them as they pass; the milter door deletes them with SMFIR_CHGHEADER.
package org.mxfront.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes every field named {@code name} whose value starts with the token {@code firstToken}
 * (case-insensitive; comments and whitespace before it skipped; the token ends at ';', '(' or whitespace).
 */
public record HeaderRemoval(String name, String firstToken) {
    /** The session-state key of the message's removals. */
    private static final Object KEY = new Object() {
        @Override
        public String toString() { return "header-removals"; }
    };

    /** Asks for fields to be removed from the current message. */
    public static void add(SessionState state, HeaderRemoval r) {
        List<HeaderRemoval> list = state.computeIfAbsent(KEY, ArrayList::new);
        if (!list.contains(r)) list.add(r);
    }

    /** The removals asked for this message (kept until {@link #clear}). */
    public static List<HeaderRemoval> of(SessionState state) {
        List<HeaderRemoval> list = state.get(KEY);
        return list == null ? List.of() : List.copyOf(list);
    }

    public static void clear(SessionState state) {
        state.remove(KEY);
    }

    /** True when a field (name, unfolded or folded value) is one to remove. */
    public boolean matches(String fieldName, String value) {
        if (!fieldName.trim().equalsIgnoreCase(name)) return false;
        String v = value;
        int i = 0;
        int depth = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (depth > 0) {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                i++;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                break;
            }
        }
        int j = i;
        while (j < v.length() && v.charAt(j) != ';' && v.charAt(j) != '(' && !Character.isWhitespace(v.charAt(j))) j++;
        return v.substring(i, j).toLowerCase(Locale.ROOT).equals(firstToken.toLowerCase(Locale.ROOT));
    }

    /** True when any of the removals matches the field. */
    public static boolean anyMatches(List<HeaderRemoval> removals, String fieldName, String value) {
        for (HeaderRemoval r : removals) if (r.matches(fieldName, value)) return true;
        return false;
    }
}
