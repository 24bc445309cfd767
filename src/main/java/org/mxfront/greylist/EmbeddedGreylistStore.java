// The default greylisting store: one MVStore file (H2's storage engine) under state-directory.
// Crash-safe: MVStore writes append-only chunks and reopens at the last complete one; changes are
// committed in the background every second, so a crash loses at most that second of updates.
// Expiry: reads ignore expired entries, and purge() (run every store.purge-interval by the
// managing wrapper) removes them in the background, never a scan per request.
package org.mxfront.greylist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/** The embedded store. Thread-safe (MVStore maps are concurrent). */
public final class EmbeddedGreylistStore implements GreylistStore {
    private final Path file;
    private final MVStore store;
    private final MVMap<String, String> tuples;
    private final MVMap<String, String> clients;

    /**
     * Opens (or creates) the store file.
     *
     * @throws GreylistStoreException when the file cannot be opened (locked by another process, unreadable)
     */
    public EmbeddedGreylistStore(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            this.store = new MVStore.Builder().fileName(file.toString()).autoCommitBufferSize(8192).open();
            this.store.setAutoCommitDelay(1000);
            this.tuples = store.openMap("tuples");
            this.clients = store.openMap("clients");
        } catch (Exception e) {
            throw new GreylistStoreException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private MVMap<String, String> map(Kind kind) {
        return kind == Kind.TUPLE ? tuples : clients;
    }

    @Override
    public Lookup lookup(String clientKey, String tupleKey, long now) {
        try {
            return new Lookup(GreylistEntry.live(clients.get(clientKey), now), tupleKey == null ? null : GreylistEntry.live(tuples.get(tupleKey), now));
        } catch (RuntimeException e) {
            throw failure("read", e);
        }
    }

    @Override
    public void put(Kind kind, String key, GreylistEntry entry, long now) {
        try {
            if (entry.expired(now)) map(kind).remove(key);
            else map(kind).put(key, entry.encode());
        } catch (RuntimeException e) {
            throw failure("write", e);
        }
    }

    @Override
    public boolean delete(Kind kind, String key) {
        try {
            return map(kind).remove(key) != null;
        } catch (RuntimeException e) {
            throw failure("write", e);
        }
    }

    @Override
    public List<Listed> list(Kind kind, String contains, int limit, long now) {
        List<Listed> out = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : map(kind).entrySet()) {
                if (out.size() >= limit) break;
                if (!contains.isEmpty() && !e.getKey().contains(contains)) continue;
                GreylistEntry g = GreylistEntry.live(e.getValue(), now);
                if (g != null) out.add(new Listed(kind, e.getKey(), g));
            }
        } catch (RuntimeException e) {
            throw failure("read", e);
        }
        return out;
    }

    @Override
    public long size() {
        return tuples.sizeAsLong() + clients.sizeAsLong();
    }

    @Override
    public int purge(long now) {
        int n = 0;
        try {
            for (MVMap<String, String> m : List.of(tuples, clients)) {
                Iterator<String> keys = m.keyIterator(null);
                while (keys.hasNext()) {
                    String k = keys.next();
                    String v = m.get(k);
                    GreylistEntry e = GreylistEntry.decode(v);
                    // conditional remove: an entry refreshed meanwhile stays
                    if (v != null && (e == null || e.expired(now)) && m.remove(k, v)) n++;
                }
            }
        } catch (RuntimeException e) {
            throw failure("purge", e);
        }
        return n;
    }

    /** True once MVStore has closed itself after a write error (the wrapper then reopens it). */
    public boolean broken() {
        return store.isClosed();
    }

    private GreylistStoreException failure(String what, RuntimeException e) {
        return new GreylistStoreException("embedded store " + file + ": " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public String type() { return "embedded"; }

    @Override
    public String describe() { return "embedded " + file; }

    @Override
    public boolean inProcess() { return true; }

    @Override
    public void close() {
        try {
            if (!store.isClosed()) store.close();
        } catch (RuntimeException e) {
            store.closeImmediately();
        }
    }
}
