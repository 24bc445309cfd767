// xtext round trips and the edge cases XCLIENT and XFORWARD values meet.
package org.mxfront.address;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class XtextTest {
    @Test
    void encodesWhatXforwardCannotCarry() {
        assertEquals("mail.example.com", Xtext.encode("mail.example.com"));
        assertEquals("a+2Bb+3Dc+20d", Xtext.encode("a+b=c d"));
        assertEquals("+C3+A9", Xtext.encode("é"));
    }

    @Test
    void decodesHexPairsAsUtf8AndKeepsALoosePlus() {
        assertEquals("a+b=c d", Xtext.decode("a+2Bb+3Dc+20d"));
        assertEquals("é", Xtext.decode("+C3+A9"));
        assertEquals("a+", Xtext.decode("a+"));
        assertEquals("+zz", Xtext.decode("+zz"));
        assertEquals("[UNAVAILABLE]", Xtext.decode("[UNAVAILABLE]"));
    }

    @Test
    void roundTrips() {
        for (String s : new String[] {"", "x", "host name+=", "ünï cødé", "\u0001\u007f"}) {
            assertEquals(s, Xtext.decode(Xtext.encode(s)));
        }
    }
}
