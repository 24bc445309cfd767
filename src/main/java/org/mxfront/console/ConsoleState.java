// What the console's pages share, apart from the verbs that use it (the SMTP door's SmtpState, for a
// web console): the backend (configuration, doors, admin hook, explain), the decision feed and
// journal, the policy store, the account source, the sessions and the login limiter, whether the
// cookies are Secure, the listener (its security headers for the live stream's head) and the
// responses. The router builds one; each page class (LoginPages, DashboardPage, LiveStream,
// TracePages, DomainPages, ListPages, AdminPages, ExplainPage, SpamPage) takes it as its first
// argument and none of them calls back into ConsoleServer.
package org.mxfront.console;

import org.mxfront.metrics.HttpListener;
import org.mxfront.policy.DecisionFeed;
import org.mxfront.store.PolicyStoreService;

/**
 * The console's shared state.
 *
 * @param journal the decision journal the trace searches, or null for the in-memory feed only
 * @param store the policy store whose lists and domains the pages edit, or null when it is off
 * @param secure the console is on TLS, so its cookies are Secure
 */
record ConsoleState(ConsoleBackend backend, DecisionFeed feed, Journal journal, PolicyStoreService store, Authenticator auth,
        Sessions sessions, LoginLimiter limiter, boolean secure, HttpListener listener, Responses out) {}
