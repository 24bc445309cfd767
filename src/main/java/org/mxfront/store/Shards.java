// An immutable map split into 64 shards by key hash: a change copies one shard (1/64 of the map)
// instead of the whole map, so applying one list change to a snapshot of a million entries copies
// some fifteen thousand. Read through the Map interface (unmodifiable).
package org.mxfront.store;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** An immutable sharded map; {@link #edit} gives a builder that copies the shards it changes. */
final class Shards<K, V> extends AbstractMap<K, V> {
    private static final int N = 64;
    private final Map<K, V>[] shards;
    private final int size;

    @SuppressWarnings("unchecked")
    static <K, V> Shards<K, V> empty() {
        Map<K, V>[] s = new Map[N];
        for (int i = 0; i < N; i++) s[i] = Map.of();
        return new Shards<>(s, 0);
    }

    private Shards(Map<K, V>[] shards, int size) {
        this.shards = shards;
        this.size = size;
    }

    private static int shard(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return h & (N - 1);
    }

    @Override
    public V get(Object key) {
        return shards[shard(key)].get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return shards[shard(key)].containsKey(key);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new Iterator<>() {
                    int i = 0;
                    Iterator<Entry<K, V>> it = shards[0].entrySet().iterator();

                    @Override
                    public boolean hasNext() {
                        while (!it.hasNext() && i < N - 1) it = shards[++i].entrySet().iterator();
                        return it.hasNext();
                    }

                    @Override
                    public Entry<K, V> next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        return it.next();
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    Editor edit() {
        return new Editor();
    }

    /** Changes to a copy: shards are copied the first time they change. Not thread-safe. */
    final class Editor {
        private final Map<K, V>[] next = shards.clone();
        private final boolean[] copied = new boolean[N];
        private int n = size;

        private Map<K, V> writable(Object key) {
            int i = shard(key);
            if (!copied[i]) {
                next[i] = new HashMap<>(next[i]);
                copied[i] = true;
            }
            return next[i];
        }

        V get(Object key) {
            return next[shard(key)].get(key);
        }

        V put(K key, V value) {
            V old = writable(key).put(key, value);
            if (old == null) n++;
            return old;
        }

        V remove(Object key) {
            if (!next[shard(key)].containsKey(key)) return null;
            V old = writable(key).remove(key);
            if (old != null) n--;
            return old;
        }

        Shards<K, V> build() {
            for (int i = 0; i < N; i++) if (copied[i]) next[i] = Collections.unmodifiableMap(next[i]);
            return new Shards<>(next, n);
        }
    }
}
