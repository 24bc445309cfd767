// The message's header section as the policy sees it: unfolded fields, bounded by the front door.
package org.mxfront.policy;

import java.util.List;
import java.util.Locale;

/**
 * The header fields of a message, in order. Values are unfolded; names keep their case.
 *
 * @param fields      the fields
 * @param bytes       the size of the header section on the wire
 * @param longestLine the longest physical header line in bytes, without its CRLF (0 when not measured)
 */
public record HeaderSection(List<Field> fields, long bytes, long longestLine) {
    /** One header field. */
    public record Field(String name, String value) {}

    public HeaderSection {
        fields = List.copyOf(fields);
    }

    /** A section whose line lengths were not measured. */
    public HeaderSection(List<Field> fields, long bytes) {
        this(fields, bytes, 0);
    }

    /** How many fields carry this name (case-insensitive). */
    public int count(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int c = 0;
        for (Field f : fields) if (f.name().toLowerCase(Locale.ROOT).equals(n)) c++;
        return c;
    }
}
