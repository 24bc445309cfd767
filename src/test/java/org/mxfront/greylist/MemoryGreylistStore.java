// An in-memory GreylistStore for unit tests: the same contract as the real stores (expired entries
// are never returned), a switch to make every operation fail, and a count of writes.
package org.mxfront.greylist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A test store. */
public final class MemoryGreylistStore implements GreylistStore {
    private final Map<Kind, Map<String, GreylistEntry>> maps = new ConcurrentHashMap<>(
            Map.of(Kind.TUPLE, new ConcurrentHashMap<>(), Kind.CLIENT, new ConcurrentHashMap<>()));
    public volatile boolean down;
    public final AtomicInteger writes = new AtomicInteger();

    private void check() {
        if (down) throw new GreylistStoreException("memory store is down");
    }

    private static GreylistEntry live(GreylistEntry e, long now) {
        return e == null || e.expired(now) ? null : e;
    }

    @Override
    public Lookup lookup(String clientKey, String tupleKey, long now) {
        check();
        return new Lookup(live(maps.get(Kind.CLIENT).get(clientKey), now),
                tupleKey == null ? null : live(maps.get(Kind.TUPLE).get(tupleKey), now));
    }

    @Override
    public void put(Kind kind, String key, GreylistEntry entry, long now) {
        check();
        writes.incrementAndGet();
        maps.get(kind).put(key, entry);
    }

    @Override
    public boolean delete(Kind kind, String key) {
        check();
        return maps.get(kind).remove(key) != null;
    }

    @Override
    public List<Listed> list(Kind kind, String contains, int limit, long now) {
        check();
        List<Listed> out = new ArrayList<>();
        for (var e : new TreeMap<>(maps.get(kind)).entrySet()) {
            if (out.size() < limit && e.getKey().contains(contains) && live(e.getValue(), now) != null) {
                out.add(new Listed(kind, e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /** The raw entry, expired or not. */
    public GreylistEntry raw(Kind kind, String key) {
        return maps.get(kind).get(key);
    }

    @Override
    public long size() {
        return maps.get(Kind.TUPLE).size() + maps.get(Kind.CLIENT).size();
    }

    @Override
    public String type() { return "memory"; }

    @Override
    public String describe() { return "memory"; }

    @Override
    public void close() {}
}
