// The code table in README.md and docs/codes.md is the one `mxfront codes` prints: operators
// publish it, so it must never drift from the catalogue.
package org.mxfront.codes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CodesDocumentedTest {
    @Test
    void readmeTableMatchesTheCatalogue() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("-->\n", readme.indexOf("<!-- codes:begin")) + 4;
        int end = readme.indexOf("<!-- codes:end -->");
        assertTrue(begin > 4 && end > begin, "README has the codes markers");
        assertEquals(ReplyCatalogue.defaults().markdown(), readme.substring(begin, end),
                "README code table is stale: paste the output of `bin/mxfront codes`");
    }

    @Test
    void docsCodesPageMatchesTheCatalogue() throws Exception {
        assertTrue(Files.readString(Path.of("docs/codes.md")).endsWith(ReplyCatalogue.defaults().markdown()));
    }
}
