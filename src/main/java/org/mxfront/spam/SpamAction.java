// The actions a spam classifier can ask for, named as rspamd names them (its /checkv2 "action"
// field); spamd's score is mapped onto the same set by thresholds. Ordered from the harshest.
package org.mxfront.spam;

import java.util.Locale;

/** What the classifier says should happen to a message. */
public enum SpamAction {
    REJECT("reject"),
    SOFT_REJECT("soft reject"),
    REWRITE_SUBJECT("rewrite subject"),
    ADD_HEADER("add header"),
    GREYLIST("greylist"),
    NO_ACTION("no action");

    private final String rspamdName;

    SpamAction(String rspamdName) {
        this.rspamdName = rspamdName;
    }

    /** The name in rspamd's answers and configuration ({@code soft reject}). */
    public String rspamdName() { return rspamdName; }

    /** The label in metrics and logs ({@code soft-reject}). */
    public String label() { return rspamdName.replace(' ', '-'); }

    /** rspamd's action name (or the label) to the action; null when unknown. */
    public static SpamAction parse(String s) {
        if (s == null) return null;
        String t = s.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
        for (SpamAction a : values()) if (a.rspamdName.equals(t)) return a;
        return null;
    }
}
