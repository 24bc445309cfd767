// YAML pieces the door and store ITs share, so that each test's configuration reads as what is
// particular to it: one door alone (the SMTP door off), the resolvers of the test's DNS server, the
// test ZEN zone that Rbldnsd serves, greylisting and rate limits as the tests run them, and a store
// kept in Redis.
// Pieces under checks: come indented for their place.
package org.mxfront.it;

/** Shared configuration text for ITs. */
final class DoorYaml {
    private DoorYaml() {}

    /** The milter door alone, on a free port. */
    static String milterOnly() {
        return "smtp: {enabled: false}\nmilter: {enabled: true, listen: \"127.0.0.1:0\"}\n";
    }

    /** The policy-delegation door alone, on {@code port}. */
    static String policyOnly(int port) {
        return "smtp: {enabled: false}\npolicy-server: {enabled: true, listen: \"127.0.0.1:" + port + "\"}\n";
    }

    /** The test's state directory and its DNS server as the only resolver. */
    static String stateAndResolver(Object stateDirectory, int dnsPort) {
        return "state-directory: " + stateDirectory + "\ndns:\n  resolvers: [\"127.0.0.1:" + dnsPort + "\"]\n";
    }

    /** Under checks: the dnsbl check on the test ZEN zone (127.0.0.2 and .3 listed as SBL). */
    static final String ZEN_DNSBL = """
              dnsbl:
                zones:
                  - zone: zen.test
                    name: Spamhaus ZEN (test)
                    answers:
                      - { addresses: [127.0.0.2-127.0.0.3], code: sbl-listed }
            """;

    /** The same with more answers of the zone (flow mappings, e.g. {@code { addresses: [...], code: pbl-listed }}). */
    static String zenDnsbl(String... moreAnswers) {
        StringBuilder s = new StringBuilder(ZEN_DNSBL);
        for (String a : moreAnswers) s.append("          - ").append(a).append('\n');
        return s.toString();
    }

    /** Under checks: the virus check on the clamd at {@code address}, with the given on-failure. */
    static String virus(String address, String onFailure) {
        return """
                  virus:
                    clamd: "%s"
                    connect-timeout: 2s
                    scan-timeout: 20s
                    max-stream-bytes: 2097152
                    on-failure: %s
                """.formatted(address, onFailure);
    }

    /** Under checks: greylisting with a 2 s delay, /32 client networks and no allow-list file. */
    static final String GREYLIST_2S = """
              greylist:
                delay: 2s
                ipv4-prefix: 32
                allow-clients-file: ""
            """;

    /**
     * The rate-limit check on with the given rules, one line each ({@code per-client: {rate: 3/1h}}); a
     * {@link #redisStore} may follow.
     */
    static String rateLimits(String... rules) {
        StringBuilder s = new StringBuilder("checks:\n  rate-limit:\n    enabled: true\n    rules:\n");
        for (String r : rules) s.append("      ").append(r).append('\n');
        return s.toString();
    }

    /** Under a check: its store in Redis ({@code timeout: 500ms}; a cluster node without it). */
    static String redisStore(String uri, boolean cluster) {
        return "    store:\n      type: redis\n      redis-uri: " + uri + "\n"
                + (cluster ? "      redis-cluster: true\n" : "      timeout: 500ms\n");
    }
}
