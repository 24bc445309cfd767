// Runs one content scanner on its own virtual thread while DATA arrives: the session thread hands
// over message bytes in chunks through a small bounded queue (at most queuedChunks x chunkSize bytes
// in flight), so the message is never held whole and the scan is mostly done by the final dot.
// A scanner faster than the client never blocks it; a slower one slows the client down (back
// pressure) for at most maxWait, after which the scan counts as failed. Once the scanner has its
// result (a blocked attachment early in the message) the remaining bytes are dropped unread.
// The thread starts with the first full chunk: a message that fits in one chunk (most mail) is
// scanned at the final dot on the caller's thread, from memory, with no thread and no hand-off.
package org.mxfront.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scan of one message stream on a virtual thread. The writer side ({@link #write}, {@link #finish},
 * {@link #close}) belongs to the session's thread; the scanner reads an ordinary InputStream.
 *
 * @param <R> what the scanner returns (a check's verdict: the check decides, not this class)
 */
public final class BackgroundScan<R> implements AutoCloseable {
    /**
     * Reads the whole stream (or as much as it needs) and returns its result. Runs on the scan's own
     * thread, or at {@link #finish} on the writer's when the message fits in one chunk.
     */
    public interface Scanner<R> {
        R scan(InputStream in) throws Exception;
    }

    private static final byte[] EOF = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue;
    private final int chunkSize;
    private final long maxWaitNanos;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final String name;
    private final Scanner<R> scanner;
    private Thread thread;
    private volatile boolean readerDone;
    private byte[] buf;
    private int len;
    private boolean writerGaveUp;
    private boolean finished;
    private volatile long busyNanos = -1;
    private long waitNanos;

    /**
     * Starts the scanner.
     *
     * @param name         the thread's name (for stack dumps)
     * @param chunkSize    bytes per queued chunk
     * @param queuedChunks chunks the queue holds
     * @param maxWait      the longest a single write may wait for the scanner
     */
    public BackgroundScan(String name, int chunkSize, int queuedChunks, Duration maxWait, Scanner<R> scanner) {
        this.queue = new ArrayBlockingQueue<>(queuedChunks);
        this.chunkSize = chunkSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.name = name;
        this.scanner = scanner;
    }

    /** Starts the scanner's thread (with the first full chunk). */
    private void start() {
        thread = Thread.ofVirtual().name(name).start(() -> {
            long t0 = System.nanoTime();
            try (InputStream in = new PipeInput()) {
                R v = scanner.scan(in);
                busyNanos = System.nanoTime() - t0 - waitNanos;
                result.complete(v);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                readerDone = true;
                queue.clear();
            }
        });
    }

    /** A message that never filled a chunk: scanned here, from memory. */
    private void scanHere() {
        long t0 = System.nanoTime();
        try (InputStream in = new ByteArrayInputStream(buf == null ? EOF : buf, 0, buf == null ? 0 : len)) {
            R v = scanner.scan(in);
            busyNanos = System.nanoTime() - t0;
            result.complete(v);
        } catch (Throwable t) {
            result.completeExceptionally(t);
        } finally {
            readerDone = true;
        }
    }

    /**
     * Whether {@link #finish} may wait: not when the whole message is still in the first chunk (it is
     * scanned from memory on the caller's thread, CPU only) or the scanner is done.
     */
    public boolean finishMayBlock() {
        return thread != null && !result.isDone();
    }

    /** Message bytes from the session thread. Never throws; waits only as described above. */
    public void write(byte[] b, int off, int n) {
        while (n > 0 && !readerDone && !writerGaveUp) {
            if (buf == null) {
                buf = new byte[chunkSize];
                len = 0;
            }
            int k = Math.min(n, chunkSize - len);
            System.arraycopy(b, off, buf, len, k);
            len += k;
            off += k;
            n -= k;
            if (len == chunkSize) {
                put(buf);
                buf = null;
            }
        }
    }

    /**
     * Whether {@link #write} of {@code n} bytes may wait for room in the queue. Only this writer fills
     * the queue, so room seen here is still there when it writes.
     */
    public boolean mayBlock(int n) {
        if (readerDone || writerGaveUp) return false;
        int room = buf == null ? chunkSize : chunkSize - len;
        if (n < room) return false;
        long chunks = 1 + (long) (n - room) / chunkSize;
        return queue.remainingCapacity() < chunks;
    }

    /** Time the scanner worked (not waiting for data), once it has returned; -1 before. */
    public long busyNanos() {
        return busyNanos;
    }

    /** True once the scanner has returned (possibly before the end of the message). */
    public boolean done() {
        return result.isDone();
    }

    /**
     * Ends the stream and waits for the scanner's result.
     *
     * @throws TimeoutException   the scanner did not finish within the timeout (or could not keep up earlier)
     * @throws ExecutionException the scanner failed
     */
    public R finish(Duration timeout) throws TimeoutException, ExecutionException, InterruptedException {
        if (!finished && thread == null && !readerDone) {
            finished = true;
            scanHere();
            buf = null;
        }
        if (!finished) {
            finished = true;
            if (buf != null && len > 0) put(Arrays.copyOf(buf, len));
            buf = null;
            put(EOF);
        }
        if (writerGaveUp && !result.isDone()) throw new TimeoutException("the scanner fell behind the client");
        return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void put(byte[] chunk) {
        if (thread == null) {
            if (readerDone) return;
            start();
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        try {
            while (!readerDone) {
                if (queue.offer(chunk, 20, TimeUnit.MILLISECONDS)) return;
                if (System.nanoTime() - deadline > 0) {
                    writerGaveUp = true;
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writerGaveUp = true;
        }
    }

    /** Stops the scanner if it still runs and drops what is queued. */
    @Override
    public void close() {
        readerDone = true;
        queue.clear();
        if (thread != null && !result.isDone()) thread.interrupt();
        if (thread == null) result.completeExceptionally(new InterruptedIOException("scan stopped"));
    }

    /** The scanner's side of the queue. */
    private final class PipeInput extends InputStream {
        private byte[] cur = new byte[0];
        private int pos;
        private boolean eof;

        private boolean fill() throws IOException {
            while (!eof && pos >= cur.length) {
                try {
                    byte[] next = queue.poll();
                    if (next == null) {
                        long w = System.nanoTime();
                        next = queue.take();
                        waitNanos += System.nanoTime() - w;
                    }
                    if (next == EOF) eof = true;
                    cur = next;
                    pos = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("scan stopped");
                }
            }
            return !eof || pos < cur.length;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) return -1;
            return cur[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            if (n == 0) return 0;
            if (!fill()) return -1;
            int k = Math.min(n, cur.length - pos);
            System.arraycopy(cur, pos, b, off, k);
            pos += k;
            return k;
        }
    }
}
