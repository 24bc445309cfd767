// The message trace: the search form and its results (the journal when it is on, else the decisions
// held in memory, which also stand in when the journal does not answer) and one session's decisions
// with their findings. A search or a session outside the viewer's domains is the console's 404.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.mxfront.policy.DecisionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /trace and /trace/session/ID. */
final class TracePages {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

    /** Null: the trace searches the in-memory feed only. */

    private TracePages() {}

    /** @param partial only the results (an htmx request), not the whole page */
    static FullHttpResponse trace(ConsoleState st, Sessions.Session s, TraceQuery q, boolean partial) {
        Principal p = s.principal();
        if (!q.domain().isEmpty() && !p.seesDomain(q.domain())) return st.out().notFound(s);
        Map<String, Object> m = new HashMap<>();
        m.put("q", q);
        String error = null;
        List<DecisionEvent> hits = List.of();
        String source = "memory";
        String note = null;
        if (!q.empty()) {
            try {
                Predicate<DecisionEvent> pred = q.predicate();
                boolean done = false;
                if (st.journal() != null) {
                    try {
                        hits = st.journal().search(q, p);
                        source = "journal";
                        done = true;
                    } catch (SQLException e) {
                        LOG.warn("console: the journal does not answer a trace search: {}", e.getMessage());
                        note = "The journal does not answer (" + e.getMessage() + "): these are the decisions held in memory.";
                    }
                }
                if (!done) {
                    hits = st.feed().recent(e -> p.sees(e) && pred.test(e)).reversed();
                    if (hits.size() > Journal.MAX_HITS) hits = hits.subList(0, Journal.MAX_HITS);
                }
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
        }
        m.put("source", source);
        m.put("note", note);
        m.put("searched", !q.empty());
        m.put("error", error);
        m.put("hits", hits.stream().map(LiveStream::event).toList());
        m.put("held", st.feed().capacity());
        return st.out().page(partial ? "trace-results" : "trace", s, m);
    }

    static FullHttpResponse session(ConsoleState st, Sessions.Session s, String id) {
        Principal p = s.principal();
        List<DecisionEvent> events = List.of();
        if (st.journal() != null) {
            try {
                events = st.journal().session(id, p);
            } catch (SQLException e) {
                LOG.warn("console: the journal does not answer for session {}: {}", id, e.getMessage());
            }
        }
        if (events.isEmpty()) events = st.feed().recent(e -> e.session().equals(id) && p.sees(e));
        if (events.isEmpty()) return st.out().notFound(s);
        Map<String, Object> m = new HashMap<>();
        m.put("id", id);
        m.put("events", events.stream().map(e -> {
            Map<String, Object> row = LiveStream.event(e);
            row.put("findings", e.findings());
            return row;
        }).toList());
        DecisionEvent first = events.get(0);
        m.put("client", first.clientName() + "[" + first.clientIp() + "]");
        m.put("helo", first.helo());
        return st.out().page("session", s, m);
    }
}
