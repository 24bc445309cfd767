// The dashboard: its server-side part (doors, downstream, configuration, policy store and journal,
// the first two for operators only) and the figures its charts fetch as JSON (/api/dashboard), the
// last day from the journal when it is on, since the ring holds only the newest decisions.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.store.PolicyStoreService;

/** / and /api/dashboard. */
final class DashboardPage {
    private final ConsoleBackend backend;
    private final DecisionFeed feed;
    private final Journal journal;
    private final PolicyStoreService store;
    private final Responses out;

    DashboardPage(ConsoleBackend backend, DecisionFeed feed, Journal journal, PolicyStoreService store, Responses out) {
        this.backend = backend;
        this.feed = feed;
        this.journal = journal;
        this.store = store;
        this.out = out;
    }

    FullHttpResponse page(Sessions.Session s) {
        return out.page("dashboard", s, model(s.principal()));
    }

    /** The charts' figures for the span asked (null: the default). */
    FullHttpResponse figures(Principal p, String spanName) throws IOException {
        Dashboard.Span span = Dashboard.Span.of(spanName);
        return out.json(Dashboard.figures(feed, p, System.currentTimeMillis(), span,
                span == Dashboard.Span.DAY && journal != null && journal.ready() ? journal::counts : null));
    }

    /** The dashboard's server-side part: doors, downstream, configuration, store and journal (operators). */
    private Map<String, Object> model(Principal p) {
        Map<String, Object> m = new HashMap<>();
        m.put("doors", p.operator() ? backend.doors() : List.of());
        m.put("downstream", p.operator() ? backend.downstream() : "");
        m.put("published", feed.published());
        m.put("feedDropped", feed.dropped());
        m.put("source", backend.config().source());
        m.put("store", store == null ? "off" : (store.up() ? "reachable" : "NOT reachable (the last snapshot stays in force)")
                + ", version " + store.current().version());
        ConsoleBackend.Reload reload = backend.lastReload();
        m.put("reload", reload == null ? "none since start"
                : (reload.ok() ? "ok" : "FAILED (the previous configuration stays in force): " + reload.message()) + " at "
                        + reload.at().truncatedTo(ChronoUnit.SECONDS));
        m.put("reloadFailed", reload != null && !reload.ok());
        Instant changed = store == null ? null : store.changedAt();
        m.put("policyChange", store == null ? "off" : "version " + store.current().version()
                + (changed == null ? "" : ", taken in at " + changed.truncatedTo(ChronoUnit.SECONDS)));
        m.put("journal", journal == null ? "off" : journal.written() + " decisions written, " + journal.droppedRows() + " dropped");
        return m;
    }
}
