// Covers RecipientsCheck: the code per source (01, 02 virtual, 20 ldap, 08 callout), only local
// domains looked up, and a source that cannot answer: 451 (78 or 79) or, for a callout with
// on-failure: accept, no opinion. Never a 5xx for "unavailable". Account states (issue 24): suspended
// 87, maintenance 93, over quota 88 or 89; unlisted senders at MAIL (92), for authenticated clients
// by default.
package org.mxfront.checks.recipients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mxfront.checks.CheckFixtures.context;
import static org.mxfront.checks.CheckFixtures.mailbox;
import static org.mxfront.checks.CheckFixtures.outsider;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.mxfront.recipients.AccountState;
import org.mxfront.recipients.Lookup;
import org.mxfront.recipients.RecipientSource;

class RecipientsCheckTest {
    /** A source that knows bob, is down for "down", and records whether it was asked. */
    static final class Fake implements RecipientSource {
        String asked;

        @Override
        public String kind() { return "fake"; }

        @Override
        public Lookup lookup(String local, String domain) {
            asked = local + "@" + domain;
            return switch (local) {
                case "bob", "Bob Smith" -> new Lookup.Found("x");
                case "susan" -> new Lookup.Found("x", AccountState.SUSPENDED);
                case "maud" -> new Lookup.Found("x", AccountState.MAINTENANCE);
                case "fred" -> new Lookup.Found("x", AccountState.OVER_QUOTA);
                case "down" -> new Lookup.Unavailable("directory down");
                default -> new Lookup.NotFound("x");
            };
        }
    }

    private static RecipientsConfig config(String source, boolean virtual, RecipientsConfig.OnFailure onFailure) {
        return new RecipientsConfig(RecipientsConfig.Source.valueOf(source), virtual,
                new RecipientsConfig.TableSettings("t.txt", null, null), null,
                new RecipientsConfig.CalloutSettings(null, null, null, null, null, onFailure), null, null);
    }

    private static Verdict verdict(RecipientsConfig c, Fake f, String rcpt) {
        return new RecipientsCheck(c, context(), f).evaluate(Stage.RCPT, outsider().withRecipient(mailbox(rcpt)));
    }

    @Test
    void eachSourceRefusesWithItsCode() {
        Map<String, String> vars = Map.of("recipient", "nobody@example.com");
        assertEquals(Verdict.reject(Code.INVALID_USERNAME, vars), verdict(config("TABLE", false, null), new Fake(), "nobody@example.com"));
        assertEquals(Verdict.reject(Code.INVALID_VIRTUAL_RECIPIENT, vars),
                verdict(config("TABLE", true, null), new Fake(), "nobody@example.com"));
        assertEquals(Verdict.reject(Code.INVALID_HOSTED_RECIPIENT, vars), verdict(config("LDAP", false, null), new Fake(), "nobody@example.com"));
        assertEquals(Verdict.reject(Code.INVALID_FILTERED_RECIPIENT, vars),
                verdict(config("CALLOUT", false, null), new Fake(), "nobody@example.com"));
        assertEquals(Verdict.CONTINUE, verdict(config("LDAP", false, null), new Fake(), "bob@example.com"));
    }

    @Test
    void onlyLocalDomainsAreLookedUpAndQuotesAreRemoved() {
        Fake f = new Fake();
        assertEquals(Verdict.CONTINUE, verdict(config("TABLE", false, null), f, "nobody@elsewhere.example"));
        assertEquals(null, f.asked);
        assertEquals(Verdict.CONTINUE, verdict(config("TABLE", false, null), f, "\"Bob Smith\"@example.com"));
        assertEquals("Bob Smith@example.com", f.asked);
        assertEquals(Verdict.CONTINUE, verdict(config("TABLE", false, null), f, "postmaster"));
    }

    @Test
    void postmasterAndAbuseAreExemptByDefaultAndTheListIsConfigurable() {
        Fake f = new Fake();
        assertEquals(Verdict.CONTINUE, verdict(config("LDAP", false, null), f, "PostMaster@example.com"));
        assertEquals(Verdict.CONTINUE, verdict(config("CALLOUT", false, null), f, "abuse@example.com"));
        assertEquals(null, f.asked, "exempt recipients are not looked up");
        RecipientsConfig none = new RecipientsConfig(RecipientsConfig.Source.TABLE, false,
                new RecipientsConfig.TableSettings("t.txt", null, null), null, null, null, List.of());
        assertEquals(Verdict.reject(Code.INVALID_USERNAME, Map.of("recipient", "postmaster@example.com")),
                verdict(none, f, "postmaster@example.com"));
        RecipientsConfig own = new RecipientsConfig(RecipientsConfig.Source.TABLE, false,
                new RecipientsConfig.TableSettings("t.txt", null, null), null, null, null, List.of("Hostmaster"));
        assertEquals(Verdict.CONTINUE, verdict(own, f, "hostmaster@example.com"));
        assertEquals(Verdict.reject(Code.INVALID_USERNAME, Map.of("recipient", "abuse@example.com")), verdict(own, f, "abuse@example.com"));
    }

    @Test
    void aSourceThatCannotAnswerNeverRefusesForGood() {
        Map<String, String> vars = Map.of("recipient", "down@example.com");
        assertEquals(Verdict.defer(Code.RECIPIENT_LOOKUP_TEMPFAIL, vars), verdict(config("LDAP", false, null), new Fake(), "down@example.com"));
        assertEquals(Verdict.defer(Code.RECIPIENT_CALLOUT_TEMPFAIL, vars),
                verdict(config("CALLOUT", false, RecipientsConfig.OnFailure.TEMPFAIL), new Fake(), "down@example.com"));
        assertEquals(Verdict.CONTINUE,
                verdict(config("CALLOUT", false, RecipientsConfig.OnFailure.ACCEPT), new Fake(), "down@example.com"));
    }

    @Test
    void accountStatesRefuseWithTheirCodes() {
        RecipientsConfig c = config("LDAP", false, null);
        assertEquals(Verdict.reject(Code.USER_SUSPENDED, Map.of("recipient", "susan@example.com")), verdict(c, new Fake(), "susan@example.com"));
        assertEquals(Verdict.defer(Code.ACCOUNT_IN_MAINTENANCE, Map.of("recipient", "maud@example.com")), verdict(c, new Fake(), "maud@example.com"));
        assertEquals(Verdict.defer(Code.MAILBOX_OVER_QUOTA, Map.of("recipient", "fred@example.com")), verdict(c, new Fake(), "fred@example.com"));
        RecipientsConfig permanent = new RecipientsConfig(c.source(), false, c.table(), c.ldap(), c.callout(), null, null,
                RecipientsConfig.OverQuota.PERMANENT, null);
        assertEquals(Verdict.reject(Code.MAILBOX_OVER_QUOTA_PERMANENT, Map.of("recipient", "fred@example.com")),
                verdict(permanent, new Fake(), "fred@example.com"));
    }

    private static Verdict mail(RecipientsConfig.UnlistedSender mode, String user, String sender) {
        RecipientsConfig c = config("LDAP", false, null);
        c = new RecipientsConfig(c.source(), false, c.table(), c.ldap(), c.callout(), null, null, null, mode);
        RecipientsCheck check = new RecipientsCheck(c, context(), new Fake());
        org.mxfront.policy.Facts f = outsider().withSender(mailbox(sender), 0);
        f.state().authenticatedUser(user);
        return check.stages().contains(Stage.MAIL) ? check.evaluate(Stage.MAIL, f) : Verdict.CONTINUE;
    }

    @Test
    void unlistedSendersInOurDomainsAreRefusedAtMailForAuthenticatedClientsByDefault() {
        Verdict refused = Verdict.reject(Code.UNLISTED_SENDER, Map.of("sender", "ghost@example.com", "domain", "example.com"));
        assertEquals(refused, mail(null, "bob@example.com", "ghost@example.com"));
        assertEquals(Verdict.CONTINUE, mail(null, null, "ghost@example.com"), "not authenticated: not checked by default");
        assertEquals(refused, mail(RecipientsConfig.UnlistedSender.ALL, null, "ghost@example.com"));
        assertEquals(Verdict.CONTINUE, mail(RecipientsConfig.UnlistedSender.OFF, "bob@example.com", "ghost@example.com"));
        assertEquals(Verdict.CONTINUE, mail(null, "bob@example.com", "bob@example.com"));
        assertEquals(Verdict.CONTINUE, mail(null, "bob@example.com", "susan@example.com"), "a suspended account still exists");
        assertEquals(Verdict.CONTINUE, mail(null, "bob@example.com", "ghost@elsewhere.example"), "not our domain");
        assertEquals(Verdict.CONTINUE, mail(null, "bob@example.com", "down@example.com"), "no answer: let it through");
        assertEquals(Verdict.CONTINUE, mail(null, "bob@example.com", ""), "the null sender");
    }

    @Test
    void theDownstreamSourceHasNoOpinion() {
        assertEquals(Verdict.CONTINUE, new RecipientsCheck(config("DOWNSTREAM", false, null), context())
                .evaluate(Stage.RCPT, outsider().withRecipient(mailbox("nobody@example.com"))));
    }
}
