// BDAT (RFC 3030) commands as a client sends them: the in-memory SMTP tests and the ITs cut a message
// into chunks the same way, so the one builder serves both.
package org.mxfront.smtp;

/** A message as BDAT chunks. */
public final class Bdat {
    private Bdat() {}

    /** {@code BDAT n} and its bytes for each piece of {@code message} cut at {@code cuts}, the last one with LAST. */
    public static String chunks(String message, int... cuts) {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int cut : cuts) {
            sb.append("BDAT ").append(cut - from).append("\r\n").append(message, from, cut);
            from = cut;
        }
        sb.append("BDAT ").append(message.length() - from).append(" LAST\r\n").append(message.substring(from));
        return sb.toString();
    }
}
