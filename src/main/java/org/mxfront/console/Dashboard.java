// The dashboard's figures, computed from mxfront's own decisions (the in-memory feed), filtered by
// what the viewer may see: accepted, refused and deferred per minute over the last hour (or per 15
// minutes over the last day, counted by the decision journal when it is on, since the ring holds only
// the newest decisions), refusals by XM-RJCT code and by check, the top refused client networks
// (/24, /48) and sender domains.
package org.mxfront.console;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mxfront.policy.DecisionEvent;
import org.mxfront.policy.DecisionFeed;

/** Dashboard figures. Stateless. */
final class Dashboard {
    static final int MINUTES = 60;

    /** The graph's time span: buckets of bucketMillis, the newest one holding now. */
    enum Span {
        HOUR(60_000, 60), DAY(900_000, 96);

        final long bucketMillis;
        final int buckets;

        Span(long bucketMillis, int buckets) {
            this.bucketMillis = bucketMillis;
            this.buckets = buckets;
        }

        static Span of(String s) {
            return "day".equals(s) ? DAY : HOUR;
        }

        long start(long nowMillis) {
            return (nowMillis / bucketMillis - (buckets - 1)) * bucketMillis;
        }
    }

    /** Per-bucket counts of accepted, refused and deferred decisions from elsewhere (the journal). */
    @FunctionalInterface
    interface Counts {
        long[][] count(long start, long bucketMillis, int buckets, Principal viewer) throws java.sql.SQLException;
    }

    private Dashboard() {}

    /** The last hour's figures from the feed. */
    static Map<String, Object> figures(DecisionFeed feed, Principal viewer, long nowMillis) {
        return figures(feed, viewer, nowMillis, Span.HOUR, null);
    }

    /**
     * The figures as a JSON-ready map.
     *
     * @param journal counts the per-bucket series instead of the feed (null: the feed only)
     */
    static Map<String, Object> figures(DecisionFeed feed, Principal viewer, long nowMillis, Span span, Counts journal) {
        final int MINUTES = span.buckets;
        long start = span.start(nowMillis);
        List<DecisionEvent> events = feed.recent(e -> e.timeMillis() >= start && viewer.sees(e));
        long[][] perMinute = new long[3][MINUTES];
        Map<String, Long> byCode = new TreeMap<>();
        Map<String, Long> byCheck = new TreeMap<>();
        Map<String, Long> networks = new TreeMap<>();
        Map<String, Long> senderDomains = new TreeMap<>();
        long accepted = 0, refused = 0, deferred = 0;
        for (DecisionEvent e : events) {
            int minute = (int) ((e.timeMillis() - start) / span.bucketMillis);
            if (minute < 0 || minute >= MINUTES) continue;
            String o = e.outcome();
            switch (o) {
                case "accepted" -> { perMinute[0][minute]++; accepted++; }
                case "refused" -> { perMinute[1][minute]++; refused++; }
                case "deferred" -> { perMinute[2][minute]++; deferred++; }
                default -> { continue; }
            }
            if (o.equals("accepted")) continue;
            if (!e.code().isEmpty()) byCode.merge(e.code(), 1L, Long::sum);
            if (!e.check().isEmpty()) byCheck.merge(e.check(), 1L, Long::sum);
            networks.merge(network(e.clientIp()), 1L, Long::sum);
            String sd = e.senderDomain();
            senderDomains.merge(sd.isEmpty() ? "<>" : sd, 1L, Long::sum);
        }
        String source = "memory";
        if (journal != null) {
            try {
                perMinute = journal.count(start, span.bucketMillis, MINUTES, viewer);
                accepted = java.util.Arrays.stream(perMinute[0]).sum();
                refused = java.util.Arrays.stream(perMinute[1]).sum();
                deferred = java.util.Arrays.stream(perMinute[2]).sum();
                source = "journal";
            } catch (java.sql.SQLException e) {
                source = "memory (the journal does not answer)";
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < MINUTES; i++) {
            labels.add(java.time.Instant.ofEpochMilli(start + i * span.bucketMillis).toString().substring(11, 16));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("span", span.name().toLowerCase(java.util.Locale.ROOT));
        out.put("bucketMinutes", span.bucketMillis / 60_000);
        out.put("source", source);
        out.put("labels", labels);
        out.put("accepted", perMinute[0]);
        out.put("refused", perMinute[1]);
        out.put("deferred", perMinute[2]);
        out.put("totals", Map.of("accepted", accepted, "refused", refused, "deferred", deferred));
        out.put("byCode", byCode);
        out.put("byCheck", byCheck);
        out.put("topNetworks", top(networks, 10));
        out.put("topSenderDomains", top(senderDomains, 10));
        out.put("held", feed.capacity());
        return out;
    }

    /** The client's /24 (IPv4) or /48 (IPv6). */
    static String network(String ip) {
        try {
            byte[] a = com.google.common.net.InetAddresses.forString(ip).getAddress();
            if (a.length == 4) return (a[0] & 255) + "." + (a[1] & 255) + "." + (a[2] & 255) + ".0/24";
            return String.format("%x:%x:%x::/48", ((a[0] & 255) << 8) | (a[1] & 255), ((a[2] & 255) << 8) | (a[3] & 255),
                    ((a[4] & 255) << 8) | (a[5] & 255));
        } catch (IllegalArgumentException e) {
            return ip;
        }
    }

    private static List<Map<String, Object>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(e -> Map.<String, Object>of("name", e.getKey(), "count", e.getValue())).toList();
    }
}
