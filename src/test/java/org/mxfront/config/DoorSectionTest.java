// A door ConfigLoader has never heard of binds and validates its own section once it is in the list the
// loader is given: this is all a fourth door needs from config/ (its sections' record, its validation
// hook), and its errors read like every other (file:line: key: problem, unknown keys as errors).
package org.mxfront.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mxfront.Doors;
import org.mxfront.net.Networks;

class DoorSectionTest {
    /** The made-up door's section. */
    record FaxSettings(Boolean enabled, String listen, Integer pages) {}

    /** Its top-level sections: one, {@code fax-gateway:}. */
    record Sections(FaxSettings faxGateway) {}

    record FaxDoorSettings(boolean enabled, InetSocketAddress listen) implements DoorSettings {
        @Override
        public String describe() { return "fax-gateway " + Networks.text(listen); }
    }

    static final DoorSection<Sections, FaxDoorSettings> FAX = new DoorSection<>() {
        @Override
        public String name() { return "fax"; }

        @Override
        public Class<Sections> sections() { return Sections.class; }

        @Override
        public FaxDoorSettings validate(Sections s, ConfigFile f) throws ConfigException {
            if (s.faxGateway() == null) return new FaxDoorSettings(false, null); // not in the shipped defaults
            FaxSettings fax = s.faxGateway();
            InetSocketAddress listen = f.requiredHostPort(fax.listen(), "/fax-gateway/listen");
            f.positive(fax.pages(), "/fax-gateway/pages");
            return new FaxDoorSettings(f.require(fax.enabled(), "/fax-gateway/enabled"), listen);
        }
    };

    static DaemonConfig parse(String yaml) throws ConfigException {
        List<DoorSection<?, ?>> doors = new ArrayList<>(Doors.ALL);
        doors.add(FAX);
        return new ConfigLoader(doors).parse("t.yml", "server: {hostname: mx.test}\n" + yaml, new SimpleMeterRegistry());
    }

    @Test
    void itsSectionIsBoundOntoItsRecordAndValidatedByIt() throws Exception {
        DaemonConfig c = parse("fax-gateway:\n  enabled: true\n  listen: 127.0.0.1:2600\n  pages: 3\n");
        assertTrue(c.doorOn("fax"));
        assertEquals("fax-gateway 127.0.0.1:2600", c.doors().get("fax").describe());
        assertEquals(List.of("smtp", "policy", "milter", "fax"), List.copyOf(c.doors().keySet()), "the registry's order");
        assertFalse(parse("").doorOn("fax"));
    }

    @Test
    void itsErrorsNameFileLineAndKey() {
        ConfigException bad = assertThrows(ConfigException.class,
                () -> parse("fax-gateway:\n  enabled: true\n  listen: 127.0.0.1:2600\n  pages: 0\n"));
        assertEquals("t.yml:5: fax-gateway.pages: must be at least 1", bad.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> parse("fax-gateway:\n  enabled: true\n  baud: 9600\n"));
        assertEquals("t.yml:4: fax-gateway.baud: unknown key (known keys here: enabled, listen, pages)", unknown.getMessage());
    }

    @Test
    void theSharedRulesCountIt() {
        ConfigException top = assertThrows(ConfigException.class, () -> parse("fax: {}\n"));
        assertTrue(top.getMessage().startsWith("t.yml:2: fax: unknown key (known keys here: checks, console, dns, domains, "
                + "downstream, fax-gateway, journal, "), top.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> parse("smtp: {enabled: false}\n"));
        assertEquals("t.yml:2: smtp.enabled: no door is enabled: enable smtp, policy-server, milter, fax-gateway or several",
                none.getMessage());
    }
}
