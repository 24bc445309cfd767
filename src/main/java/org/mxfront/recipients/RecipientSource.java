// Where the recipients check learns whether an address exists: a table file, an LDAP directory,
// the domain's own mail server (callout). One interface, so that caching and metrics wrap any of them.
package org.mxfront.recipients;

/** A source of truth about recipient addresses. Implementations are thread-safe and bounded in time. */
public interface RecipientSource extends AutoCloseable {
    /** {@code table}, {@code ldap} or {@code callout}: the metric tag and the log word. */
    String kind();

    /**
     * Whether an address exists.
     *
     * @param localPart the local part without quotes, as the client wrote it (case kept)
     * @param domain    the domain, lower-case
     */
    Lookup lookup(String localPart, String domain);

    /** Does the slow start-up (connect a pool) ahead of the first lookup; the daemon calls it once it runs. */
    default void warmUp() {}

    @Override
    default void close() {}
}
