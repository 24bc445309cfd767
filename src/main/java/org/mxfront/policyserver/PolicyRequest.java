// One decoded policy request: the attributes Postfix sent, as the decoder checked them. Typed
// accessors for what the mapper uses, so parsing rules (null sender, "unknown" names, sizes) live here.
package org.mxfront.policyserver;

import java.util.Collections;
import java.util.Map;
import org.mxfront.mail.TlsInfo;
import org.mxfront.policyserver.PolicyAttributes.State;

/**
 * A policy request. Absent attributes read as empty strings (Postfix may omit them or send them empty).
 *
 * @param attributes every attribute, the last value kept when a name repeats; the record wraps the map
 *                   without copying it (one request, 30-odd attributes, on the hot path): the caller
 *                   hands it over and keeps no reference
 */
public record PolicyRequest(Map<String, String> attributes) {
    public PolicyRequest {
        attributes = Collections.unmodifiableMap(attributes);
    }

    /** An attribute's value, empty when absent. */
    public String get(String name) {
        return attributes.getOrDefault(name, "");
    }

    public State state() { return State.of(attributes.get(PolicyAttributes.PROTOCOL_STATE)); }

    public String instance() { return get(PolicyAttributes.INSTANCE); }

    public String clientAddress() { return get(PolicyAttributes.CLIENT_ADDRESS); }

    public String helo() { return get(PolicyAttributes.HELO_NAME); }

    public String sender() { return get(PolicyAttributes.SENDER); }

    public String recipient() { return get(PolicyAttributes.RECIPIENT); }

    /** The verified client name, null when Postfix has none ({@code unknown} or empty). */
    public String verifiedClientName() {
        String n = get(PolicyAttributes.CLIENT_NAME);
        return n.isEmpty() || n.equalsIgnoreCase(PolicyAttributes.UNKNOWN_NAME) ? null : n;
    }

    /** The client's TLS session, null when it is in clear (no {@code encryption_protocol}). */
    public TlsInfo tls() {
        String protocol = get(PolicyAttributes.ENCRYPTION_PROTOCOL);
        if (protocol.isEmpty()) return null;
        return new TlsInfo(protocol, get(PolicyAttributes.ENCRYPTION_CIPHER), (int) number(PolicyAttributes.ENCRYPTION_KEYSIZE, 65535));
    }

    /** The SASL login name, empty when the client did not authenticate. */
    public String saslUsername() { return get(PolicyAttributes.SASL_USERNAME); }

    public int clientPort() { return (int) number(PolicyAttributes.CLIENT_PORT, 65535); }

    /** The {@code size} attribute; 0 when absent or not a number. */
    public long size() { return number(PolicyAttributes.SIZE, Long.MAX_VALUE); }

    private long number(String name, long max) {
        String v = get(name);
        if (v.isEmpty() || v.length() > 19) return 0;
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return 0;
        long n = Long.parseLong(v);
        return n > max ? 0 : n;
    }
}
