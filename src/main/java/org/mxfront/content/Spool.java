// Holds one stream of bytes for later reading: in memory up to a threshold, then in a temporary
// file (mode 0600, deleted on close), so a content check never keeps a whole message on the heap.
// Used for the virus scanner's copy of the message and for archives found inside attachments.
// Settings come from the owning check (spool-memory-bytes, spool-directory).
package org.mxfront.content;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.slf4j.LoggerFactory;

/** A write-then-read byte buffer that spills to disk. Not thread-safe; close it to free memory and delete the file. */
public final class Spool extends OutputStream {
    private final int memoryLimit;
    private final Path directory;
    private byte[] mem;
    private int memLen;
    private Path file;
    private OutputStream fileOut;
    private long size;
    private boolean closed;

    /**
     * @param memoryLimit bytes kept in memory before the spool moves to a file
     * @param directory   where the file goes; null for the JVM's temporary directory
     */
    public Spool(int memoryLimit, Path directory) {
        this.memoryLimit = Math.max(0, memoryLimit);
        this.directory = directory;
        this.mem = new byte[Math.min(8192, this.memoryLimit)];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) throw new IOException("spool closed");
        if (len == 0) return;
        size += len;
        if (fileOut == null && memLen + (long) len <= memoryLimit) {
            if (memLen + len > mem.length) mem = Arrays.copyOf(mem, (int) Math.min(memoryLimit, Math.max(mem.length * 2L, memLen + (long) len)));
            System.arraycopy(b, off, mem, memLen, len);
            memLen += len;
            return;
        }
        if (fileOut == null) toFile();
        fileOut.write(b, off, len);
    }

    private void toFile() throws IOException {
        file = directory == null ? Files.createTempFile("mxfront-", ".spool") : Files.createTempFile(directory, "mxfront-", ".spool");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE), 65536);
        fileOut.write(mem, 0, memLen);
        mem = null;
        memLen = 0;
    }

    /** Bytes written so far. */
    public long size() { return size; }

    /** True while everything is still in memory. */
    public boolean inMemory() { return fileOut == null; }

    /** Reads everything written so far from the start. The spool stays writable. */
    public InputStream openStream() throws IOException {
        if (fileOut == null) return new ByteArrayInputStream(mem, 0, memLen);
        fileOut.flush();
        return Files.newInputStream(file);
    }

    /** Random access to everything written so far (archives need their central directory at the end). */
    public SeekableByteChannel openChannel() throws IOException {
        if (fileOut == null) return new SeekableInMemoryByteChannel(Arrays.copyOf(mem, memLen));
        fileOut.flush();
        return Files.newByteChannel(file, StandardOpenOption.READ);
    }

    /** Frees the memory and deletes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        mem = null;
        if (fileOut != null) {
            try {
                fileOut.close();
            } catch (IOException e) {
                // the file is deleted next
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LoggerFactory.getLogger(Spool.class).warn("cannot delete spool file {}: {}", file, e.toString());
            }
        }
    }
}
