// A classifier's answer, the same shape for rspamd and spamd: action, score, the threshold it
// was judged against, the symbols (rules) that matched, and rspamd's own header changes.
package org.mxfront.spam;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * @param action        the action (for spamd, decided by the caller's thresholds later; here spamd's own verdict)
 * @param score         the message's score
 * @param required      the threshold the classifier compared against (rspamd's required_score, spamd's required)
 * @param symbols       the rules that matched
 * @param subject       rspamd's rewritten subject, or null
 * @param addHeaders    header fields rspamd's milter_headers module asks to add (its "milter" block)
 * @param removeHeaders header field names it asks to remove
 */
public record SpamResult(SpamAction action, double score, double required, List<Symbol> symbols, String subject,
        List<Header> addHeaders, List<String> removeHeaders) {
    public SpamResult {
        symbols = List.copyOf(symbols);
        addHeaders = List.copyOf(addHeaders);
        removeHeaders = List.copyOf(removeHeaders);
    }

    /** One matched rule with its score contribution and options. */
    public record Symbol(String name, double score, List<String> options) {
        public Symbol {
            options = List.copyOf(options);
        }
    }

    /** A header field to add. */
    public record Header(String name, String value) {}

    /** The same answer with another action (thresholds of the caller's own). */
    public SpamResult withAction(SpamAction a) {
        return new SpamResult(a, score, required, symbols, subject, addHeaders, removeHeaders);
    }

    /** The symbols by weight (absolute score, largest first, then by name). */
    public List<Symbol> topSymbols(int n) {
        return symbols.stream()
                .sorted(Comparator.comparingDouble((Symbol s) -> -Math.abs(s.score())).thenComparing(Symbol::name))
                .limit(n).toList();
    }

    /** {@code GTUBE(0.00),RDNS_NONE(1.00)} for logs. */
    public String symbolsText(int n) {
        return topSymbols(n).stream().map(s -> s.name() + "(" + twoDecimals(s.score()) + ")").collect(Collectors.joining(","));
    }

    /** As {@code %.2f} (half up), without a Formatter: it runs several times for every classified message. */
    public static String twoDecimals(double d) {
        if (!Double.isFinite(d)) return String.format(Locale.ROOT, "%.2f", d);
        return BigDecimal.valueOf(d).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
