// The spool keeps small data in memory, moves big data to a private file, and deletes it.
package org.mxfront.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void smallStaysInMemoryBigGoesToAPrivateFileThatIsDeleted() throws Exception {
        byte[] data = new byte[100_000];
        new Random(1).nextBytes(data);
        try (Spool s = new Spool(1000, dir)) {
            s.write(data, 0, 999);
            assertTrue(s.inMemory());
            try (Spool small = new Spool(1000, dir)) {
                assertArrayEquals(new byte[0], small.openStream().readAllBytes());
            }
            s.write(data, 999, data.length - 999);
            assertFalse(s.inMemory());
            assertEquals(data.length, s.size());
            Path file;
            try (var files = Files.list(dir)) {
                file = files.findFirst().orElseThrow();
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertArrayEquals(data, s.openStream().readAllBytes());
            try (SeekableByteChannel ch = s.openChannel()) {
                ch.position(data.length - 10);
                ByteBuffer b = ByteBuffer.allocate(10);
                ch.read(b);
                assertEquals(data[data.length - 10], b.get(0));
            }
            s.close();
            assertFalse(Files.exists(file));
        }
    }
}
