// Renders the catalogue's entries into replies in the seed's shape:
//   550-5.7.1 XM-RJCT06: Unauthorized relay attempt
//   550 5.7.1 [192.0.2.7] [mx1.example.net]
// Config: replies.prefix (default XM-RJCT) and replies.texts (code key -> template).
package org.mxfront.codes;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The reply-code catalogue with the operator's prefix and text overrides applied. Immutable and
 * shared by every session. Template variables ({@code {recipient}}, {@code {client_ip}}, ...) are
 * filled from the values a check gives, stripped of control characters so a client cannot inject
 * reply lines.
 */
public final class ReplyCatalogue {
    private final String prefix;
    private final Map<Code, String> templates;
    private final Map<Code, String> ids;

    public ReplyCatalogue(String prefix, Map<Code, String> overrides) {
        this.prefix = prefix;
        EnumMap<Code, String> t = new EnumMap<>(Code.class);
        EnumMap<Code, String> i = new EnumMap<>(Code.class);
        for (Code c : Code.values()) {
            t.put(c, overrides.getOrDefault(c, c.template()));
            i.put(c, prefix + String.format("%02d", c.number()));
        }
        this.templates = t;
        this.ids = i;
    }

    public static ReplyCatalogue defaults() {
        return new ReplyCatalogue("XM-RJCT", Map.of());
    }

    /** The printed id, e.g. {@code XM-RJCT06}. */
    public String id(Code code) {
        return ids.get(code);
    }

    public String template(Code code) {
        return templates.get(code);
    }

    /**
     * Renders a reply with the entry's own SMTP and enhanced codes.
     *
     * @param clientIp the client's address as text, for the last line
     * @param hostname our host name, for the last line
     */
    public Reply render(Code code, Map<String, String> vars, String clientIp, String hostname) {
        return render(code, code.smtpCode(), code.enhanced(), vars, clientIp, hostname);
    }

    /** Renders with an SMTP and enhanced code that override the entry's (used for downstream replies). */
    public Reply render(Code code, int smtpCode, String enhanced, Map<String, String> vars, String clientIp,
            String hostname) {
        List<String> lines = new ArrayList<>(2);
        lines.add(id(code) + ": " + fill(templates.get(code), vars, clientIp, hostname));
        lines.add("[" + clientIp + "] [" + hostname + "]");
        return new Reply(smtpCode, enhanced, lines);
    }

    static String fill(String template, Map<String, String> vars, String clientIp, String hostname) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            char ch = template.charAt(i);
            int close = ch == '{' ? template.indexOf('}', i) : -1;
            if (close < 0) {
                out.append(ch);
                i++;
                continue;
            }
            String name = template.substring(i + 1, close);
            String value = switch (name) {
                case "client_ip" -> clientIp;
                case "hostname" -> hostname;
                default -> vars.get(name);
            };
            if (value == null) out.append(template, i, close + 1);
            else out.append(sanitize(value));
            i = close + 1;
        }
        return out.toString();
    }

    /** Replaces control characters (CR, LF, NUL, ...) so a value can never break the reply's framing. */
    static String sanitize(String value) {
        StringBuilder sb = null;
        int max = Math.min(value.length(), 256);
        for (int i = 0; i < max; i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch >= 0x7f && ch <= 0x9f || ch == 0x2028 || ch == 0x2029) {
                if (sb == null) sb = new StringBuilder(value.substring(0, i));
                sb.append('?');
            } else if (sb != null) {
                sb.append(ch);
            }
        }
        String s = sb != null ? sb.toString() : value.substring(0, max);
        return value.length() > max ? s + "..." : s;
    }

    /** The whole table in Markdown: the public "why was my mail rejected" page. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Id | SMTP | Enhanced | Config key | Meaning | Reply text |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Code c : Code.values()) {
            String meaning = switch (c.status()) {
                case DEFUNCT -> c.title() + " (defunct: reserved, never sent)";
                case INTERNAL -> c.title() + " (internal use)";
                case ACTIVE -> c.title();
            };
            sb.append("| ").append(id(c)).append(" | ").append(c.smtpCode()).append(" | ").append(c.enhanced())
                    .append(" | `").append(c.key()).append("` | ").append(meaning.replace("|", "\\|"))
                    .append(" | ").append(templates.get(c).replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
