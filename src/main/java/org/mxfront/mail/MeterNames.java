// Every meter name of mxfront's own, in one place at the bottom of the tree, so the engine, the
// doors, the checks and the helpers that record meters all name them alike. Prometheus names follow
// from Micrometer's conventions: mxfront.connections -> mxfront_connections_total, timers in seconds,
// sizes in bytes. Labels are bounded: never an address or a sender.
package org.mxfront.mail;

/** Meter names (Micrometer's dotted form). */
public final class MeterNames {
    private MeterNames() {}

    public static final String CONNECTIONS = "mxfront.connections";
    public static final String CONNECTIONS_ACTIVE = "mxfront.connections.active";
    public static final String TRANSACTIONS = "mxfront.transactions";
    /** Refusals by reply id, check and stage (the engine counts them). */
    public static final String REJECTIONS = "mxfront.rejections";
    /** Time each check took (seconds), by check (the engine times them). */
    public static final String CHECK_DURATION = "mxfront.check.duration";
    public static final String MESSAGE_SIZE = "mxfront.message.size";
    public static final String DOWNSTREAM_REPLIES = "mxfront.downstream.replies";
    public static final String DOWNSTREAM_LATENCY = "mxfront.downstream.latency";
    public static final String CONFIG_RELOADS = "mxfront.config.reloads";
    public static final String TLS_HANDSHAKES = "mxfront.tls.handshakes";
    /** Greylisting decisions by outcome: new, too_early, passed, auto_allowed, exempt, store_error. */
    public static final String GREYLIST_DECISIONS = "mxfront.greylist.decisions";
    /** Greylisting store operations (seconds), by store type and operation. */
    public static final String GREYLIST_STORE_LATENCY = "mxfront.greylist.store.latency";
    /** Entries in the greylisting store, by store type. */
    public static final String GREYLIST_STORE_ENTRIES = "mxfront.greylist.store.entries";
    /** Rate-limit decisions by rule and outcome: allowed, limited, delayed, exempt, store_error. */
    public static final String RATELIMIT_DECISIONS = "mxfront.ratelimit.decisions";
    /** Rate-limit store operations (seconds), by store type and operation. */
    public static final String RATELIMIT_STORE_LATENCY = "mxfront.ratelimit.store.latency";
    /** The dictionary-attack guard's store operations, by store and op (blocked, count, block). */
    public static final String GUARD_STORE_LATENCY = "mxfront.recipients.guard.store.latency";
    /** Messages read by a content check, by check and result (clean, rejected, deferred, fail-open, skipped). */
    public static final String CONTENT_MESSAGES = "mxfront.content.messages";
    /** Message bytes read by a content check. */
    public static final String CONTENT_BYTES = "mxfront.content.bytes";
    /** Time a content check spent scanning (parsing, unpacking, the virus scanner's round trip), by check. */
    public static final String CONTENT_SCAN_DURATION = "mxfront.content.scan.duration";
    /** Policy-delegation requests answered, by protocol_state and action (dunno, reject, defer, disconnect). */
    public static final String POLICY_REQUESTS = "mxfront.policy.requests";
    /** Time from a complete policy request to its answer (seconds). */
    public static final String POLICY_REQUEST_DURATION = "mxfront.policy.request.duration";
    /** Policy connections closed without a reply, by reason. */
    public static final String POLICY_FAULTS = "mxfront.policy.faults";
    /** Policy client connections open now. */
    public static final String POLICY_CONNECTIONS = "mxfront.policy.connections.active";
    /** Messages whose policy state the policy door keeps now. */
    public static final String POLICY_INSTANCES = "mxfront.policy.instances";
}
