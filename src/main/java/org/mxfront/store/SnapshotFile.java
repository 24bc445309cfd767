// The last snapshot this host loaded, written to a local file (gzip'd JSON, replaced atomically) so
// that a daemon that starts while the database is down serves the domains and lists it last knew
// instead of none.
package org.mxfront.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Reads and writes one snapshot file. */
public final class SnapshotFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Domain(String name, String settings, String createdBy, Long createdAt) {}

    record Entry(long id, String scope, String scopeKey, String action, String kind, String value, Long expiresAt,
            String comment, String createdBy, Long createdAt) {}

    record Content(int format, long version, List<Domain> domains, List<Entry> entries) {}

    private final Path file;

    public SnapshotFile(Path file) {
        this.file = file;
    }

    public Path path() { return file; }

    public void write(PolicySnapshot s) throws IOException {
        List<Domain> ds = new ArrayList<>(s.domains().size());
        for (StoredDomain d : s.domains().values()) ds.add(new Domain(d.name(), d.settings(), d.createdBy(), millis(d.createdAt())));
        List<Entry> es = new ArrayList<>(s.entries().size());
        for (ListEntry e : s.entries().values()) {
            es.add(new Entry(e.id(), e.scope().key(), e.scopeKey(), e.action().key(), e.kind().key(), e.value(),
                    millis(e.expiresAt()), e.comment(), e.createdBy(), millis(e.createdAt())));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 65536)) {
            JSON.writeValue(out, new Content(1, s.version(), ds, es));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The snapshot in the file; null when there is no file. */
    public PolicySnapshot read() throws IOException {
        if (!Files.exists(file)) return null;
        Content c;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 65536)) {
            c = JSON.readValue(in, Content.class);
        }
        List<StoredDomain> ds = new ArrayList<>();
        for (Domain d : c.domains()) ds.add(new StoredDomain(d.name(), d.settings(), d.createdBy(), instant(d.createdAt())));
        List<ListEntry> es = new ArrayList<>();
        for (Entry e : c.entries()) {
            es.add(new ListEntry(e.id(), ListEntry.Scope.of(e.scope()), e.scopeKey(), ListEntry.Action.of(e.action()),
                    ListEntry.Kind.of(e.kind()), e.value(), instant(e.expiresAt()), e.comment(), e.createdBy(), instant(e.createdAt())));
        }
        return PolicySnapshot.of(c.version(), ds, es);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static Instant instant(Long m) {
        return m == null ? null : Instant.ofEpochMilli(m);
    }
}
