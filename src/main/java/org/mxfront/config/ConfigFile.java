// One configuration file being loaded, as the code that validates it sees it: its name, the lines of
// its keys, and the helpers that turn a problem into `file:line: key: problem`. ConfigLoader uses it for
// the sections it validates itself, and hands it to each door's validation hook (DoorSection), so that a
// door's errors read exactly like every other.
package org.mxfront.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mxfront.net.Networks;
import org.mxfront.tls.ServerTls;
import org.mxfront.tls.TlsSettings;

/** A file being loaded; every method that finds a problem throws a ConfigException naming file, line and key. */
public class ConfigFile {
    private static final Pattern HOST_PORT = Pattern.compile("^\\[?([^\\[\\]]+?)]?:(\\d{1,5})$");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private final String name;
    private final YamlLocations locations;

    ConfigFile(String name, String text) throws ConfigException {
        this.name = name;
        YamlLocations l;
        try {
            l = new YamlLocations(text);
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (IOException e) {
            throw new ConfigException(name, 0, null, e.getMessage());
        }
        this.locations = l;
    }

    /** The file's name as errors show it ({@code <embedded defaults>} when there is none). */
    public String name() { return name; }

    /** Where relative paths in the file are resolved from: its directory (the working directory for the defaults). */
    public Path directory() {
        return name.equals(ConfigLoader.EMBEDDED) ? Path.of("") : Path.of(name).toAbsolutePath().getParent();
    }

    ConfigException syntax(JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String msg = e.getOriginalMessage();
        Matcher dup = DUPLICATE.matcher(msg);
        if (dup.find()) {
            // the parser stands on the duplicate: its path names the key in full, as other errors do
            String key = dup.group(1);
            if (e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null) {
                key = YamlLocations.key(p.getParsingContext().pathAsPointer().toString());
            }
            return new ConfigException(name, line, key, "duplicate key");
        }
        return new ConfigException(name, line, null, "YAML syntax error: " + msg.lines().findFirst().orElse(msg));
    }

    /** The error for the key at a JSON pointer ({@code /smtp/listen}), on the line where it is written. */
    public ConfigException error(String pointer, String problem) {
        return new ConfigException(name, locations.line(pointer), YamlLocations.key(pointer), problem);
    }

    public <T> T require(T value, String pointer) throws ConfigException {
        if (value == null) throw error(pointer, "missing value");
        return value;
    }

    public void positive(Integer v, String pointer) throws ConfigException {
        if (require(v, pointer) < 1) throw error(pointer, "must be at least 1");
    }

    public void nonNegativeDuration(Duration d, String pointer) throws ConfigException {
        if (require(d, pointer).isNegative()) throw error(pointer, "must be zero or longer");
    }

    public void positiveDuration(Duration d, String pointer) throws ConfigException {
        if (require(d, pointer).isNegative() || d.isZero()) throw error(pointer, "must be longer than zero");
    }

    public InetSocketAddress requiredHostPort(String s, String pointer) throws ConfigException {
        return hostPort(require(s, pointer), pointer);
    }

    public InetSocketAddress hostPort(String s, String pointer) throws ConfigException {
        Matcher m = HOST_PORT.matcher(s.trim());
        if (!m.matches()) throw error(pointer, "expected ADDRESS:PORT (e.g. 127.0.0.1:2525 or [::1]:2525), got '" + s + "'");
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) throw error(pointer, "port " + port + " is out of range");
        try {
            return new InetSocketAddress(InetAddress.getByName(m.group(1)), port);
        } catch (UnknownHostException e) {
            throw error(pointer, "cannot resolve '" + m.group(1) + "'");
        }
    }

    public Networks networks(List<String> cidrs, String pointer) throws ConfigException {
        if (cidrs == null) return Networks.NONE;
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                Networks.parse(List.of(String.valueOf(cidrs.get(i))));
            } catch (IllegalArgumentException e) {
                throw error(pointer + "/" + i, e.getMessage());
            }
        }
        return Networks.parse(cidrs);
    }

    /** A server's TLS, or null when none is configured; certificate files are read now, so that a broken one is an error of this file. */
    public ServerTls tls(TlsSettings t, String at) throws ConfigException {
        if (t == null) return null;
        List<TlsSettings.Certificate> certs = t.certificates() == null ? List.of() : t.certificates();
        for (int i = 0; i < certs.size(); i++) {
            TlsSettings.Certificate cert = certs.get(i);
            if (cert == null || cert.chain() == null) throw error(at + "/certificates/" + i + "/chain", "missing value");
            if (cert.key() == null) throw error(at + "/certificates/" + i + "/key", "missing value");
        }
        try {
            return ServerTls.load(t, directory());
        } catch (IllegalArgumentException e) {
            throw error(certs.isEmpty() ? at : at + "/certificates", e.getMessage());
        }
    }
}
