// A rate-limit store for tests and the benchmark that answers acquire() its own way (always fails,
// fails while "down", a plain map) and is otherwise inert, instead of each writing out all of the
// interface's methods.
package org.mxfront.ratelimit;

import java.util.List;

/** A {@link RateLimitStore} with nothing listed, nothing to reset, time 0 and nothing to close; subclasses override what they need. */
public abstract class StubRateLimitStore implements RateLimitStore {
    private final String type;
    private final String description;

    protected StubRateLimitStore(String type, String description) {
        this.type = type;
        this.description = description;
    }

    @Override
    public List<Listed> list(String contains, int limit) { return List.of(); }

    @Override
    public boolean reset(String key) { return false; }

    @Override
    public long nowMicros() { return 0; }

    @Override
    public String type() { return type; }

    @Override
    public String describe() { return description; }

    @Override
    public void close() { }
}
