// Maps a JSON pointer (e.g. /checks/helo/mode) to the line where it is written in the YAML file,
// so that errors found after parsing (binding, validation) can still name the line.
package org.mxfront.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Line numbers of the keys of one YAML document. */
final class YamlLocations {
    private final Map<String, Integer> lines = new HashMap<>();

    YamlLocations(String yaml) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
                    String ptr = p.getParsingContext().pathAsPointer().toString();
                    if (t.isStructStart() && p.getParsingContext().getParent() != null) {
                        ptr = p.getParsingContext().getParent().pathAsPointer().toString();
                    }
                    lines.putIfAbsent(ptr, p.currentTokenLocation().getLineNr());
                }
            }
        }
    }

    /** The line of the pointer, or of its closest written ancestor; 0 when unknown. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) return l;
            int slash = p.lastIndexOf('/');
            if (slash <= 0) return lines.getOrDefault("", 0);
            p = p.substring(0, slash);
        }
    }

    /** A pointer as operators write keys: /checks/helo/mode -> checks.helo.mode. */
    static String key(String pointer) {
        String p = pointer.startsWith("/") ? pointer.substring(1) : pointer;
        return p.replaceAll("/(\\d+)(?=/|$)", "[$1]").replace('/', '.');
    }
}
