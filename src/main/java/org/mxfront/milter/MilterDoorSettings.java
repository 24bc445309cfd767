// The milter door's settings as it runs them (its listen address and its section), and the validation
// of its section: the door binds and checks `milter:` itself, ConfigLoader only hands it the bound
// record and the file's error helper.
package org.mxfront.milter;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeSet;
import org.mxfront.checks.CheckTypes;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigFile;
import org.mxfront.config.DoorSettings;
import org.mxfront.net.Networks;

/**
 * @param listen  where it listens (changes only on restart)
 * @param section milter: as validated
 */
public record MilterDoorSettings(InetSocketAddress listen, MilterSettings section) implements DoorSettings {

    /** The smallest milter.max-packet-length: a full body chunk of Postfix (65535 bytes) and its command byte. */
    static final int MIN_PACKET = 65536;

    /** The top-level sections this door owns. */
    public record Sections(MilterSettings milter) {}

    /** Validates {@code milter:}, on or off. */
    static MilterDoorSettings validate(Sections s, ConfigFile f) throws ConfigException {
        MilterSettings ms = f.require(s.milter(), "/milter");
        f.require(ms.enabled(), "/milter/enabled");
        InetSocketAddress listen = f.requiredHostPort(ms.listen(), "/milter/listen");
        f.positive(ms.maxConnections(), "/milter/max-connections");
        f.positiveDuration(ms.idleTimeout(), "/milter/idle-timeout");
        f.positive(ms.maxPacketLength(), "/milter/max-packet-length");
        if (ms.maxPacketLength() < MIN_PACKET) {
            // Postfix sends body chunks of up to 65535 bytes and headers up to header_size_limit
            throw f.error("/milter/max-packet-length", "must be at least " + MIN_PACKET);
        }
        f.require(ms.contentReject(), "/milter/content-reject");
        List<String> skips = ms.skipChecks() == null ? List.of() : ms.skipChecks();
        for (int i = 0; i < skips.size(); i++) {
            String n = skips.get(i);
            if (n == null || !CheckTypes.BY_NAME.containsKey(n)) {
                throw f.error("/milter/skip-checks/" + i, "unknown check '" + n + "' (known: "
                        + String.join(", ", new TreeSet<>(CheckTypes.BY_NAME.keySet())) + ")");
            }
        }
        return new MilterDoorSettings(listen, ms);
    }

    @Override
    public boolean enabled() { return section.enabled(); }

    @Override
    public String describe() { return "milter " + Networks.text(listen); }
}
