// The benchmarks' raw-socket SMTP clients read replies alike: this is the one reader they share.
package org.mxfront.bench;

import java.io.BufferedReader;
import java.io.IOException;

/** Reading SMTP replies off a plain socket. */
final class Replies {
    private Replies() {}

    /** Reads one (multi-line) reply and returns its last line. */
    static String last(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
