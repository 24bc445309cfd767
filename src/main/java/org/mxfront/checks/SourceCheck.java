// The recipients check and sender verification both ask a recipient source (a table, LDAP, a
// callout) whether an address exists: the source and the one way an address is put to it (the local
// part unquoted, the domain lower-case) live here once.
package org.mxfront.checks;

import java.util.Locale;
import org.mxfront.mail.Mailbox;
import org.mxfront.recipients.Lookup;
import org.mxfront.recipients.RecipientSource;

/** A check that looks addresses up in a {@link RecipientSource}. */
public abstract class SourceCheck<C> extends CheckBase<C> {
    /** Where addresses are looked up; null where the check says so (the recipients check's downstream source). */
    protected final RecipientSource source;

    protected SourceCheck(C config, CheckContext ctx, RecipientSource source) {
        super(config, ctx);
        this.source = source;
    }

    /** The address's domain, lower-case, as {@link #lookup} asks for it. */
    protected static String domain(Mailbox m) {
        return m.domain().toLowerCase(Locale.ROOT);
    }

    /** Asks the source about {@code m} (a quoted local part without its quotes) in {@code domain}. */
    protected final Lookup lookup(Mailbox m, String domain) {
        String local = m.localPart();
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) local = local.substring(1, local.length() - 1);
        return source.lookup(local, domain);
    }
}
