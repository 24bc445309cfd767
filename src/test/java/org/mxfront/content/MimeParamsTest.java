// Header parameters as clients write them, including the broken ways.
package org.mxfront.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MimeParamsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "attachment; filename=\"report.pdf\"                                   | report.pdf",
        "attachment; filename=report.pdf                                       | report.pdf",
        "attachment; FILENAME = \"a \\\"quoted\\\" name.txt\"                  | a \"quoted\" name.txt",
        "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf                    | € rates.pdf",
        "attachment; filename*=iso-8859-1'en'%A3%20rates.pdf                   | £ rates.pdf",
        "attachment; filename*=x-unknown''caf%C3%A9.pdf                        | café.pdf",
        "attachment; filename*0*=UTF-8''caf%C3%A9; filename*1=\"-menu.pdf\"    | café-menu.pdf",
        "attachment; filename*1=\"b.exe\"; filename*0=\"a\"                    | ab.exe",
        "attachment; filename=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.doc?=\"              | résumé.doc",
        "attachment; filename=\"=?ISO-8859-1?B?4Q==?=.txt\"                     | á.txt",
        "attachment; filename=\"unterminated.exe                                | unterminated.exe",
        "attachment; filename*=%ZZbad.pdf                                      | %ZZbad.pdf",
    })
    void filenames(String header, String expected) {
        assertEquals(List.of(expected), MimeParams.parse(header).all("filename"));
    }

    @Test
    void everySpellingOfANameIsKept() {
        MimeParams p = MimeParams.parse("attachment; filename=\"a.pdf\"; filename*=UTF-8''a.exe; filename=\"a.pdf\"");
        assertEquals("attachment", p.value());
        assertEquals(List.of("a.pdf", "a.exe"), p.all("filename"));
    }

    @Test
    void foldedHeaderAndNoParameters() {
        MimeParams p = MimeParams.parse("Multipart/Mixed;\r\n\tboundary=\"==b==\"; ;junk");
        assertEquals("multipart/mixed", p.value());
        assertEquals(List.of("==b=="), p.all("boundary"));
        assertEquals(List.of(), MimeParams.parse("inline").all("filename"));
        assertEquals("", MimeParams.parse("").value());
    }
}
