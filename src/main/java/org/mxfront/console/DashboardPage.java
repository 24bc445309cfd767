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

/** / and /api/dashboard. */
final class DashboardPage {
    private DashboardPage() {}

    static FullHttpResponse page(ConsoleState st, Sessions.Session s) {
        return st.out().page("dashboard", s, model(st, s.principal()));
    }

    /** The charts' figures for the span asked (null: the default). */
    static FullHttpResponse figures(ConsoleState st, Principal p, String spanName) throws IOException {
        Dashboard.Span span = Dashboard.Span.of(spanName);
        return st.out().json(Dashboard.figures(st.feed(), p, System.currentTimeMillis(), span,
                span == Dashboard.Span.DAY && st.journal() != null && st.journal().ready() ? st.journal()::counts : null));
    }

    /** The dashboard's server-side part: doors, downstream, configuration, store and journal (operators). */
    private static Map<String, Object> model(ConsoleState st, Principal p) {
        Map<String, Object> m = new HashMap<>();
        m.put("doors", p.operator() ? st.backend().doors() : List.of());
        m.put("downstream", p.operator() ? st.backend().downstream() : "");
        m.put("published", st.feed().published());
        m.put("feedDropped", st.feed().dropped());
        m.put("source", st.backend().config().source());
        m.put("store", st.store() == null ? "off" : (st.store().up() ? "reachable" : "NOT reachable (the last snapshot stays in force)")
                + ", version " + st.store().current().version());
        ConsoleBackend.Reload reload = st.backend().lastReload();
        m.put("reload", reload == null ? "none since start"
                : (reload.ok() ? "ok" : "FAILED (the previous configuration stays in force): " + reload.message()) + " at "
                        + reload.at().truncatedTo(ChronoUnit.SECONDS));
        m.put("reloadFailed", reload != null && !reload.ok());
        Instant changed = st.store() == null ? null : st.store().changedAt();
        m.put("policyChange", st.store() == null ? "off" : "version " + st.store().current().version()
                + (changed == null ? "" : ", taken in at " + changed.truncatedTo(ChronoUnit.SECONDS)));
        m.put("journal", st.journal() == null ? "off" : st.journal().written() + " decisions written, " + st.journal().droppedRows() + " dropped");
        return m;
    }
}
