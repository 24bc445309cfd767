// Stopping the daemons the ITs start (clamd, spamd, rspamd, Dovecot, nsd, rbldnsd; killing redis-server
// and slapd) and reading their logs for a failure message: the same SIGTERM, bounded wait, SIGKILL each
// of them had written out; closing what an IT's @AfterAll holds.
package org.mxfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for the processes of the real-server fixtures. */
final class Processes {
    private Processes() {}

    /**
     * SIGTERM, SIGKILL when it has not exited within 10 s, then SIGKILL to what it had started (workers a
     * killed master leaves behind). Interrupted: kills at once and keeps the interrupt.
     */
    static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL at once (the server is "down"), waiting up to 10 s for it to be gone. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Closes what an IT started, in this order, skipping what never started; every one is tried, the first failure thrown. */
    static void closeAll(AutoCloseable... started) throws Exception {
        Exception first = null;
        for (AutoCloseable c : started) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    /** A daemon's log file, "" when it has written none, the error when it cannot be read. */
    static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
