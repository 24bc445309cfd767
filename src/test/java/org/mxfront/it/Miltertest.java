// Helpers for the Lua scripts the tests hand to Debian's miltertest (MilterDoorIT drives mxfront's
// milter door with it, DmarcOpendmarcIT drives opendmarc): one quoting rule for both.
package org.mxfront.it;

/** Text for miltertest's Lua scripts. */
final class Miltertest {
    private Miltertest() {
    }

    /** A Lua string literal holding s exactly: quotes and backslashes escaped, control characters as \ddd. */
    static String lua(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append('\\').append((int) c);
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
