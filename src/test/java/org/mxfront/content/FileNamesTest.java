// File names normalized as the recipient's system would see them.
package org.mxfront.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileNamesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "invoice.pdf.exe                | invoice.pdf.exe | exe",
        "invoice\u202Efdp.exe           | invoicefdp.exe  | exe",
        "setup.e\u200Bxe                | setup.exe       | exe",
        "setup.\uFF45\uFF58\uFF45       | setup.exe       | exe",
        "'evil.exe. . '                 | evil.exe        | exe",
        "C:\\Users\\x\\evil.SCR         | evil.SCR        | scr",
        "dir/sub/readme                 | readme          | ''",
    })
    void normalizedAndExtension(String raw, String normalized, String ext) {
        assertEquals(normalized, FileNames.normalize(raw));
        assertEquals(ext, FileNames.extension(FileNames.normalize(raw)));
    }

    @org.junit.jupiter.api.Test
    void deceptionAndDisplay() {
        assertTrue(FileNames.deceptive("photo\u202Egpj.js"));
        assertTrue(FileNames.deceptive("a\u2066b.pdf"));
        assertTrue(FileNames.deceptive("a\u00ADb.pdf"));
        assertFalse(FileNames.deceptive("résumé.pdf"));
        assertEquals("r?sum?.pdf", FileNames.display("résumé.pdf"));
        assertEquals("x".repeat(100) + "...", FileNames.display("x".repeat(300)));
    }
}
