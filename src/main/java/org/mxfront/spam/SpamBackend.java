// The one interface through which the spam check knows a classifier (rspamd or spamd).
package org.mxfront.spam;

import java.io.IOException;
import java.io.InputStream;

/** A spam classifier. Implementations are thread-safe; every call has its own deadline. */
public interface SpamBackend extends AutoCloseable {
    /** {@code rspamd} or {@code spamd}: the metrics' backend label. */
    String name();

    /**
     * Classifies one message.
     *
     * @param message the message, read once, {@code size} bytes
     * @throws IOException down, slow past the timeout, or an unreadable answer ({@link SpamProtocolException})
     */
    SpamResult check(SpamEnvelope envelope, InputStream message, long size) throws IOException;

    /**
     * Teaches the classifier's Bayes filter one message as spam or ham.
     *
     * @return the classifier's answer, for the operator
     * @throws IOException down, refused (wrong password, no Bayes backend) or unreadable
     */
    String learn(boolean spam, byte[] message) throws IOException;

    @Override
    default void close() {}
}
