// The operators' list files: comments and blank lines, exact addresses, exact and suffix domains,
// and a bad line named by file and line.
package org.mxfront.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListsTest {
    @TempDir
    Path dir;

    @Test
    void addressesAndDomains() throws Exception {
        Path f = Files.writeString(dir.resolve("l"), "# comment\n\nBad.Guy@Example.org   # trailing comment\n@exact.test\nsuffix.test\n<x@y.test>\n");
        AddressList l = AddressList.read(List.of(f));
        assertEquals(4, l.size());
        assertEquals("bad.guy@example.org", l.match("bad.guy@EXAMPLE.org"));
        assertNull(l.match("good@example.org"));
        assertEquals("@exact.test", l.match("a@exact.test"));
        assertNull(l.match("a@sub.exact.test"));
        assertEquals("suffix.test", l.match("a@suffix.test"));
        assertEquals("suffix.test", l.match("a@deep.sub.suffix.test"));
        assertNull(l.match("a@notsuffix.test"));
        assertEquals("x@y.test", l.match("x@y.test"));
    }

    @Test
    void aBadLineIsNamed() throws Exception {
        Path f = Files.writeString(dir.resolve("bad"), "ok.test\nnot a domain\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressList.read(List.of(f)));
        assertEquals(f + ":2: 'not a domain': one address or domain a line", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> AddressList.read(List.of(dir.resolve("nope"))));
        assertTrue(missing.getMessage().startsWith("cannot read list file "), missing.getMessage());
    }
}
