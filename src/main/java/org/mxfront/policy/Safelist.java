// A source of per-recipient safe entries (the policy store's lists). The engine asks it once per
// recipient; when it names an entry, every negative verdict of a check that declares it yields to
// safe entries (Check#liftedBySafeEntry) is lifted for that recipient: logged, never applied.
package org.mxfront.policy;

/** Implemented by a check that knows recipients' safe entries. */
public interface Safelist {
    /**
     * The safe entry that exempts {@code facts.recipient()} (with the client and sender of
     * {@code facts}), described for logs ("user bob@example.com safe sender-domain .example.net (#12
     * by alice)"), or null when none does. Must answer from memory.
     */
    String safeEntry(Facts facts);
}
