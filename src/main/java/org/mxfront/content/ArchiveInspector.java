// Looks inside zip and 7z archives found in attachments (Apache Commons Compress), nested up to a limit:
// every entry's name goes through the caller's name rule, and every entry is actually decompressed
// (into a counter, or into a spool when it is itself an archive) so that the guards see real sizes,
// not the sizes the archive claims. Guards, per message: entries (checked first against the
// end-of-central-directory record, before Commons Compress reads the directory into memory),
// expanded bytes (declared sizes first, then real ones), expansion ratio per archive (once past
// 1 MiB expanded), nesting depth. Encrypted entries and damaged archives follow their policies;
// a damaged archive's local headers are still read as far as they go for a blocked name. A 7z
// archive is read entry by entry in order (solid blocks are decoded once), with the decoder's memory
// capped, so a huge LZMA dictionary in a small file cannot take the heap.
package org.mxfront.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/** Inspects the archives of one message (the budgets are per message). Not thread-safe. */
public final class ArchiveInspector {
    /** Expanded bytes below which the ratio guard does not apply (small, very compressible files are normal). */
    public static final long RATIO_FLOOR = 1 << 20;

    /**
     * @param maxDepth         archives inside archives: 1 looks into attached archives only
     * @param maxEntries       files in all the message's archives together
     * @param maxRatio         expanded size / archive size allowed for one archive
     * @param maxExpandedBytes bytes all the message's archives expand to together
     * @param rejectEncrypted  refuse archives with encrypted entries (their content cannot be scanned)
     * @param rejectUnreadable refuse archives that cannot be read to the end
     * @param spoolMemoryBytes memory for a nested archive before it spools to disk
     * @param spoolDirectory   where spool files go, null for the JVM's temporary directory
     */
    public record Limits(int maxDepth, int maxEntries, int maxRatio, long maxExpandedBytes, boolean rejectEncrypted,
            boolean rejectUnreadable, int spoolMemoryBytes, Path spoolDirectory) {}

    /** Judges one entry's name; throws ScanStop to refuse. */
    public interface NameRule {
        /**
         * @param path  the entry's place for the reply, e.g. {@code invoice.zip/docs/run.exe}
         * @param name  the entry's own name inside its archive
         */
        void check(String path, String name) throws ScanStop;
    }

    private final Limits limits;
    private final NameRule rule;
    private long entries;
    private long expanded;
    private final byte[] scratch = new byte[16384];

    public ArchiveInspector(Limits limits, NameRule rule) {
        this.limits = limits;
        this.rule = rule;
    }

    /** True when the bytes begin a zip archive (local file header, or the record of an empty archive). */
    public static boolean isZip(byte[] head, int n) {
        return n >= 4 && head[0] == 'P' && head[1] == 'K'
                && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6 || head[2] == 7 && head[3] == 8);
    }

    /** True when the bytes begin a 7z archive ("7z" BC AF 27 1C; the first four are enough to tell). */
    public static boolean isSevenZ(byte[] head, int n) {
        return n >= 4 && head[0] == '7' && head[1] == 'z' && (head[2] & 0xff) == 0xBC && (head[3] & 0xff) == 0xAF;
    }

    /** True when the bytes begin an archive this class reads. */
    public static boolean isArchive(byte[] head, int n) {
        return isZip(head, n) || isSevenZ(head, n);
    }

    /** True when a file name says zip or 7z, whatever its content. */
    public static boolean archiveName(String normalizedName) {
        String ext = FileNames.extension(normalizedName);
        return ext.equals("zip") || ext.equals("7z");
    }

    /** Memory the 7z decoder may use for one archive (LZMA dictionaries): 64 MiB. */
    static final int SEVEN_Z_MEMORY_KIB = 64 * 1024;

    /** Expanded bytes counted so far in this message. */
    public long expandedBytes() { return expanded; }

    /**
     * Inspects one archive.
     *
     * @param label what the reply calls it (the attachment's name, or the path to a nested archive)
     * @param depth 1 for an attached archive, +1 per level of nesting
     */
    public void inspect(String label, Spool zip, int depth) throws ScanStop, IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = zip.openStream()) {
            n = in.readNBytes(head, 0, 4);
        }
        if (isSevenZ(head, n)) {
            inspectSevenZ(label, zip, depth);
            return;
        }
        declared(label, Math.max(0, centralDirectoryEntries(zip)), 0);
        long entriesBefore = entries;
        long expandedBefore = expanded;
        try (SeekableByteChannel ch = zip.openChannel(); ZipFile zf = ZipFile.builder().setSeekableByteChannel(ch).get()) {
            List<ZipArchiveEntry> list = Collections.list(zf.getEntries());
            long declared = 0;
            for (ZipArchiveEntry e : list) declared += Math.max(0, e.getSize());
            declared(label, 0, declared);
            long[] archiveExpanded = {0};
            for (ZipArchiveEntry e : list) {
                boolean encrypted = e.getGeneralPurposeBit().usesEncryption();
                InputStream data = !encrypted && !e.isDirectory() && zf.canReadEntryData(e) ? zf.getInputStream(e) : null;
                entry(label, e.getName(), e.isDirectory(), encrypted, data, zip.size(), depth, archiveExpanded);
            }
        } catch (IOException | RuntimeException damaged) {
            entries = entriesBefore;
            expanded = expandedBefore;
            walkLocalHeaders(label, zip);
            if (limits.rejectUnreadable()) {
                throw new ScanStop(new ContentFinding.UnreadableArchive(label));
            }
        }
    }

    private void inspectSevenZ(String label, Spool archive, int depth) throws ScanStop, IOException {
        long entriesBefore = entries;
        long expandedBefore = expanded;
        try (SeekableByteChannel ch = archive.openChannel();
                SevenZFile sz = SevenZFile.builder().setSeekableByteChannel(ch).setMaxMemoryLimitKiB(SEVEN_Z_MEMORY_KIB).get()) {
            long count = 0;
            long declared = 0;
            for (SevenZArchiveEntry e : sz.getEntries()) {
                count++;
                if (e.hasStream()) declared += Math.max(0, e.getSize());
            }
            declared(label, count, declared);
            long[] archiveExpanded = {0};
            InputStream current = new InputStream() { // the entry getNextEntry() positioned the reader on
                @Override
                public int read() throws IOException {
                    return sz.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return sz.read(b, off, len);
                }
            };
            SevenZArchiveEntry e;
            while ((e = sz.getNextEntry()) != null) {
                boolean data = e.hasStream() && !e.isDirectory();
                entry(label, e.getName(), e.isDirectory(), false, data ? current : null, archive.size(), depth, archiveExpanded);
            }
        } catch (PasswordRequiredException encrypted) {
            entries = entriesBefore;
            expanded = expandedBefore;
            if (limits.rejectEncrypted()) {
                throw new ScanStop(new ContentFinding.EncryptedArchive(label));
            }
        } catch (IOException | RuntimeException damaged) {
            // (the decoder refuses a dictionary past its memory cap with a MemoryLimitException, an IOException)
            entries = entriesBefore;
            expanded = expandedBefore;
            if (limits.rejectUnreadable()) {
                throw new ScanStop(new ContentFinding.UnreadableArchive(label));
            }
        }
    }

    private void entry(String label, String name, boolean dir, boolean encrypted, InputStream data, long archiveSize,
            int depth, long[] archiveExpanded) throws ScanStop, IOException {
        if (++entries > limits.maxEntries()) bomb(label, "more than " + limits.maxEntries() + " files");
        String path = label + "/" + name;
        if (!dir) rule.check(path, name);
        if (encrypted && limits.rejectEncrypted()) {
            throw new ScanStop(new ContentFinding.EncryptedArchive(label));
        }
        if (data == null) return;
        try (InputStream in = data) {
            int n = in.readNBytes(scratch, 0, 4);
            boolean nested = isArchive(scratch, n) || archiveName(FileNames.normalize(name));
            if (nested && depth + 1 > limits.maxDepth()) {
                bomb(label, "archives nested more than " + limits.maxDepth() + " levels deep");
            }
            try (Spool inner = nested ? new Spool(limits.spoolMemoryBytes(), limits.spoolDirectory()) : null) {
                while (n > 0) {
                    archiveExpanded[0] += n;
                    expanded += n;
                    if (expanded > limits.maxExpandedBytes()) {
                        bomb(label, "expands to more than " + limits.maxExpandedBytes() + " bytes");
                    }
                    if (archiveExpanded[0] > RATIO_FLOOR && archiveExpanded[0] > (long) limits.maxRatio() * Math.max(1, archiveSize)) {
                        bomb(label, "compressed more than " + limits.maxRatio() + " to 1");
                    }
                    if (inner != null) inner.write(scratch, 0, n);
                    n = in.read(scratch, 0, scratch.length);
                }
                if (inner != null) inspect(path, inner, depth + 1);
            }
        }
    }

    /** Names from the local file headers of a damaged archive, as far as they can be read. */
    private void walkLocalHeaders(String label, Spool zip) throws ScanStop {
        try (InputStream raw = zip.openStream();
                ZipArchiveInputStream in = new ZipArchiveInputStream(raw, "UTF-8", true, true)) {
            ZipArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) bomb(label, "more than " + limits.maxEntries() + " files");
                if (!e.isDirectory()) rule.check(label + "/" + e.getName(), e.getName());
            }
        } catch (IOException | RuntimeException e) {
            // as far as it goes
        }
    }

    /** The entry count of the end-of-central-directory record, -1 when absent or zip64. */
    static long centralDirectoryEntries(Spool zip) {
        long size = zip.size();
        int tail = (int) Math.min(size, 22 + 65535);
        if (tail < 22) return -1;
        ByteBuffer b = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
        try (SeekableByteChannel ch = zip.openChannel()) {
            ch.position(size - tail);
            while (b.hasRemaining() && ch.read(b) > 0) { }
        } catch (IOException e) {
            return -1;
        }
        for (int i = tail - 22; i >= 0; i--) {
            if (b.getInt(i) == 0x06054b50) {
                int total = b.getShort(i + 10) & 0xffff;
                return total == 0xffff ? -1 : total;
            }
        }
        return -1;
    }

    /** The guards an archive's directory can trip before anything is decompressed: its file count and declared sizes. */
    private void declared(String label, long files, long bytes) throws ScanStop {
        if (entries + files > limits.maxEntries()) bomb(label, "more than " + limits.maxEntries() + " files");
        if (expanded + bytes > limits.maxExpandedBytes()) {
            bomb(label, "expands to more than " + limits.maxExpandedBytes() + " bytes");
        }
    }

    private static void bomb(String label, String reason) throws ScanStop {
        throw new ScanStop(new ContentFinding.ArchiveBomb(label, reason));
    }
}
