// What the engine knows of a session's encryption: checks (tls-required), the decision log and the
// Received header read it. Null in ClientInfo while the session is in clear.
package org.mxfront.mail;

/**
 * The TLS session a client negotiated.
 *
 * @param protocol TLSv1.2, TLSv1.3
 * @param cipher   the cipher suite's standard name
 * @param bits     the cipher's key length in bits (0 when unknown)
 */
public record TlsInfo(String protocol, String cipher, int bits) {}
