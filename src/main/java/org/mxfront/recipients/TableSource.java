// The `table` recipient source: a file of addresses and `@domain` catch-alls, Postfix's
// relay_recipient_maps idea without postmap. Local parts compare case-insensitively; with a
// recipient delimiter, user+ext@dom is looked up as itself and then as user@dom (Postfix's rule).
// The file is read at start (a bad file is a configuration error naming its line), re-read on a
// configuration reload (SIGHUP builds a new source), and re-read when it changes: a lookup stats it
// at most once per check-interval. A file that turns bad or vanishes keeps the last good table.
// An optional second column gives an account's state (`bob@example.com suspended`, `over-quota`,
// `maintenance`, `active`); any other second word (a Postfix map's `OK`) is ignored, as before.
package org.mxfront.recipients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mxfront.lists.ListFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Addresses from a file. Thread-safe: the table is replaced whole. */
public final class TableSource implements RecipientSource {
    private static final Logger LOG = LoggerFactory.getLogger(TableSource.class);

    /** One read of the file: exact addresses (lower-case) and catch-all domains, with what identified the file. */
    record Table(Set<String> addresses, Set<String> catchAll, Map<String, AccountState> states, Object stamp) {}

    private final Path file;
    private final String delimiter;
    private final Clock clock;
    private final long checkMillis;
    private volatile Table table;
    private volatile long nextCheck;
    private volatile Object lastBadStamp;

    /**
     * Reads the file now.
     *
     * @param delimiter     the recipient delimiter ({@code +}), empty for none
     * @param checkInterval how often a lookup may stat the file for changes
     * @throws IllegalArgumentException naming the file and line of a problem
     */
    public TableSource(Path file, String delimiter, Duration checkInterval, Clock clock) {
        this.file = file;
        this.delimiter = delimiter == null ? "" : delimiter;
        this.clock = clock;
        this.checkMillis = checkInterval.toMillis();
        try {
            this.table = read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("table: no such file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("table: cannot read " + file + ": " + e.getMessage());
        }
        this.nextCheck = clock.millis() + checkMillis;
        LOG.info("recipients table {}: {} addresses, {} catch-all domains", file, table.addresses().size(),
                table.catchAll().size());
    }

    @Override
    public String kind() { return "table"; }

    /** Addresses and catch-all domains now in force. */
    public int size() {
        return table.addresses().size() + table.catchAll().size();
    }

    @Override
    public Lookup lookup(String localPart, String domain) {
        refreshIfChanged();
        Table t = table;
        String local = localPart.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        String a = local + "@" + d;
        if (t.addresses().contains(a)) return new Lookup.Found("address", t.states().get(a));
        if (!delimiter.isEmpty()) {
            int i = local.indexOf(delimiter);
            String base = i > 0 ? local.substring(0, i) + "@" + d : null;
            if (base != null && t.addresses().contains(base)) return new Lookup.Found("address without extension", t.states().get(base));
        }
        if (t.catchAll().contains(d)) return new Lookup.Found("catch-all @" + d);
        return new Lookup.NotFound("not in " + file.getFileName());
    }

    /** Re-reads the file when its size, time or identity changed since the last read (at most once per interval). */
    void refreshIfChanged() {
        long now = clock.millis();
        if (now < nextCheck) return;
        synchronized (this) {
            if (now < nextCheck) return;
            nextCheck = now + checkMillis;
            Object stamp;
            try {
                stamp = stamp(file);
            } catch (IOException e) {
                warnOnce("gone", "recipients table {} cannot be read ({}); keeping the last good table", e.getMessage());
                return;
            }
            if (stamp.equals(table.stamp()) || stamp.equals(lastBadStamp)) return;
            try {
                Table t = read(file);
                table = t;
                lastBadStamp = null;
                LOG.info("recipients table {} reloaded: {} addresses, {} catch-all domains", file, t.addresses().size(),
                        t.catchAll().size());
            } catch (IOException | IllegalArgumentException e) {
                lastBadStamp = stamp;
                LOG.warn("recipients table {} not reloaded, keeping the last good table: {}", file, e.getMessage());
            }
        }
    }

    private void warnOnce(Object why, String msg, String detail) {
        if (why.equals(lastBadStamp)) return;
        lastBadStamp = why;
        LOG.warn(msg, file, detail);
    }

    private static Object stamp(Path f) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        return List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
    }

    /**
     * Parses the file: one entry per line, {@code user@domain} or {@code @domain}; {@code #} starts a
     * comment; a second word that names an account state ({@code suspended}, {@code over-quota},
     * {@code maintenance}, {@code active}) gives the address's state, anything else after the first word is
     * ignored (so a Postfix map source file, {@code user@dom OK}, works).
     */
    static Table read(Path f) throws IOException {
        Object stamp = stamp(f);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        Set<String> addresses = new HashSet<>();
        Set<String> catchAll = new HashSet<>();
        Map<String, AccountState> states = new HashMap<>();
        for (ListFile.Entry line : ListFile.entries(lines)) {
            String[] words = line.text().split("\\s+", 3);
            String entry = words[0].toLowerCase(Locale.ROOT);
            int at = entry.lastIndexOf('@');
            String domain = at < 0 ? "" : entry.substring(at + 1);
            if (at < 0 || domain.isEmpty() || !domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException(f + ":" + line.line() + ": '" + entry
                        + "' is neither user@domain nor @domain");
            }
            if (at == 0) {
                catchAll.add(domain);
                continue;
            }
            addresses.add(entry);
            AccountState state = words.length > 1 ? AccountState.byWord(words[1].toLowerCase(Locale.ROOT)) : null;
            if (state != null && state != AccountState.ACTIVE) states.put(entry, state);
            else states.remove(entry);
        }
        return new Table(Set.copyOf(addresses), Set.copyOf(catchAll), Map.copyOf(states), stamp);
    }
}
