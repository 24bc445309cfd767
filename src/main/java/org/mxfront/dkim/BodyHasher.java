// The streaming body hash of RFC 6376 3.4.3/3.4.4 and 3.7: canonicalises the body as it arrives
// (simple or relaxed), holds back trailing empty lines (only a count, never the bytes) until a
// non-empty line shows they were not trailing, and stops hashing after l= bytes. Nothing of the
// body is kept beyond an 8 KiB output buffer. Bare CR and bare LF are ordinary body bytes.
package org.mxfront.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** One canonicalised body digest. Not thread-safe. */
final class BodyHasher {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final boolean relaxed;
    private final long limit;
    private final MessageDigest digest;
    private final byte[] out = new byte[8192];
    private int outLen;
    private long emitted;
    private long total;

    private boolean sawCr;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private long pendingEmptyLines;
    private boolean anyContent;

    /**
     * @param relaxed   relaxed (else simple) body canonicalisation
     * @param algorithm the JCA digest name ({@code SHA-256}, {@code SHA-1})
     * @param limit     l= (bytes of canonical body hashed), or -1 for all
     */
    BodyHasher(boolean relaxed, String algorithm, long limit) {
        this.relaxed = relaxed;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    void write(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (!sawCr && plain(c)) {
                // A run of ordinary bytes: the first one settles held-back lines and space, the rest
                // go to the digest in one piece.
                int j = i + 1;
                while (j < end && plain(b[j])) j++;
                content(c);
                if (j > i + 1) emitRun(b, i + 1, j - i - 1);
                i = j - 1;
                continue;
            }
            if (c == LF && sawCr) {
                sawCr = false;
                endOfLine();
                continue;
            }
            if (sawCr) {
                sawCr = false;
                content(CR);
            }
            if (c == CR) {
                sawCr = true;
            } else if (relaxed && (c == ' ' || c == '\t')) {
                pendingSpace = true;
            } else {
                content(c);
            }
        }
    }

    private void content(byte c) {
        if (!lineHasContent) {
            lineHasContent = true;
            anyContent = true;
            while (pendingEmptyLines > 0) {
                emit(CR);
                emit(LF);
                pendingEmptyLines--;
            }
        }
        if (pendingSpace) {
            pendingSpace = false;
            emit((byte) ' ');
        }
        emit(c);
    }

    private void endOfLine() {
        // Relaxed: whitespace at the end of a line goes; a line of only whitespace is empty.
        pendingSpace = false;
        if (lineHasContent) {
            emit(CR);
            emit(LF);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void emit(byte c) {
        total++;
        if (limit >= 0 && emitted >= limit) return;
        emitted++;
        out[outLen++] = c;
        if (outLen == out.length) flush();
    }

    private boolean plain(byte c) {
        return c != CR && c != LF && !(relaxed && (c == ' ' || c == '\t'));
    }

    private void emitRun(byte[] b, int off, int len) {
        total += len;
        int n = limit < 0 ? len : (int) Math.min(len, Math.max(0, limit - emitted));
        if (n == 0) return;
        emitted += n;
        if (n <= out.length - outLen) {
            // Short runs (words between single spaces) are gathered: one digest call per 8 KiB.
            System.arraycopy(b, off, out, outLen, n);
            outLen += n;
            if (outLen == out.length) flush();
            return;
        }
        flush();
        digest.update(b, off, n);
    }

    private void flush() {
        digest.update(out, 0, outLen);
        outLen = 0;
    }

    /** The hash of the body so far, as if it ended here. Call once. */
    byte[] finish() {
        if (sawCr) {
            sawCr = false;
            content(CR);
        }
        pendingSpace = false;
        if (lineHasContent) {
            // A last line without CRLF gets one (both canonicalisations).
            emit(CR);
            emit(LF);
        } else if (!anyContent && !relaxed) {
            // Simple: an empty body (or only empty lines) is one CRLF; relaxed hashes nothing.
            emit(CR);
            emit(LF);
        }
        flush();
        return digest.digest();
    }

    /** The length of the whole canonical body (beyond l= too), after {@link #finish()}. */
    long canonicalLength() {
        return total;
    }
}
