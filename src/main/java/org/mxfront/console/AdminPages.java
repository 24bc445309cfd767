// The greylist and rate-limit admin pages (operators only): the checks' admin hook, the one the CLI and
// the HTTP admin endpoint use, as a form; a read-only action may be a GET, any other needs the router's
// CSRF-checked POST. The hook's list output is shown as a table when its rows fit its header.
package org.mxfront.console;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /greylist and /ratelimit. */
final class AdminPages {
    private static final Logger AUDIT = LoggerFactory.getLogger("mxfront.audit");

    private AdminPages() {}

    static FullHttpResponse adminPage(ConsoleState st, Sessions.Session s, String what, Map<String, List<String>> params, boolean change) {
        Principal p = s.principal();
        if (!p.operator()) return st.out().notFound(s);
        Map<String, Object> m = new HashMap<>();
        m.put("what", what);
        String action = Form.first(params, "action");
        if (action != null && !action.isEmpty()) {
            // the checks' admin hook: a read-only action (list) may be a GET, anything else needs the CSRF-checked POST
            if (!st.backend().readOnly(what, action) && !change) return Responses.status(HttpResponseStatus.METHOD_NOT_ALLOWED, "use the form's buttons");
            Map<String, List<String>> clean = new HashMap<>(params);
            clean.remove("_csrf");
            try {
                String output = st.backend().admin(what, clean);
                m.put("output", output);
                if (action.equals("list")) m.put("table", table(output));
                if (change) AUDIT.info("console {}: user={} action={} params={}", what, p.name(), action, clean);
            } catch (IllegalArgumentException | NoSuchElementException e) {
                m.put("error", e.getMessage());
            }
        }
        m.put("params", Form.flat(params));
        m.put("enabled", st.backend().adminNames().contains(what));
        return st.out().page("admin", s, m);
    }

    /**
     * The admin hook's list (a tab-separated header, one row per line, a summary line: what
     * `mxfront greylist list` prints) as a table, or null when a row does not fit the header (then the
     * page shows the text as it came).
     */
    static Map<String, Object> table(String output) {
        List<String> lines = new ArrayList<>(List.of(output.split("\n")));
        if (lines.size() < 2 || !lines.get(0).contains("\t")) return null;
        List<String> header = List.of(lines.remove(0).split("\t", -1));
        String summary = lines.remove(lines.size() - 1);
        if (summary.contains("\t")) return null;
        List<List<String>> rows = new ArrayList<>();
        for (String l : lines) {
            List<String> cells = List.of(l.split("\t", -1));
            if (cells.size() != header.size()) return null;
            rows.add(cells);
        }
        Map<String, Object> t = new HashMap<>();
        t.put("header", header);
        t.put("rows", rows);
        t.put("summary", summary);
        t.put("keyColumn", header.indexOf("key"));
        return t;
    }
}
