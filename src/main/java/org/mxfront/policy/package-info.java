/**
 * The policy engine: the floor every door stands on. It imports only {@code codes} and {@code net}
 * (and libraries); it knows checks through {@link org.mxfront.policy.Check} and doors not at all.
 *
 * <h2>What a door owes the engine</h2>
 * A door (the SMTP proxy, the Postfix policy-delegation server, the milter server) opens one
 * {@link org.mxfront.policy.PolicySession} per client session with
 * {@link org.mxfront.policy.PolicyEngine#newSession} and drives it stage by stage, in order, with the
 * facts it has:
 * <ul>
 * <li>{@code newSession(address, port, connectionsFromAddress)}: the client's real address (after a
 *     trusted PROXY header, XCLIENT, or Postfix's {@code client_address}), its port (0 when unknown),
 *     and how many connections that address has open now (0 when the door cannot know: the
 *     connection-limit check then has no opinion).</li>
 * <li>{@link org.mxfront.policy.PolicySession#connect(org.mxfront.policy.PolicySession.PregreetProbe)}
 *     before anything else; a door that cannot hold back a greeting passes a probe that says no
 *     (the early-talker check then has no opinion).</li>
 * <li>{@code helo(name)}, {@code mail(sender, declaredSize)}, {@code rcpt(recipient)} then
 *     {@code recipientAccepted(recipient)} once the recipient is accepted downstream too.</li>
 * <li>For the message: {@code openMessage()}, {@code messageBytes(...)} with the message as
 *     received (un-stuffed, CRLF line ends), {@code headers(section)} once the header section is
 *     complete, {@code endOfData(bytes)} at the end. A door that never sees the message (policy
 *     delegation) never calls them, and the content checks never run there.</li>
 * <li>{@code refuse(...)} for refusals the door makes itself (syntax, downstream faults), so that
 *     they are logged and counted like the checks' own; {@code resetTransaction()} after each
 *     transaction.</li>
 * </ul>
 * With {@code server.delay-reject} a refusal at CONNECT or HELO is held and returned at the first
 * {@code rcpt}: a door must not assume that a {@code Decision} at CONNECT or HELO is final.
 * A door whose client already chose when to ask (the policy door: Postfix's {@code smtpd_delay_reject})
 * calls {@link org.mxfront.policy.PolicySession#refuseAtOnce()} and gets CONNECT and HELO refusals when
 * they are found; one that knows the client's verified name opens the session with
 * {@code newSession(address, port, verifiedName, connectionsFromAddress)} and the engine does not look
 * it up again. {@link org.mxfront.policy.PolicyEngine#withChecks} gives a door the engine without the
 * checks it cannot feed.
 *
 * <h2>Blocking, and doors with an event loop</h2>
 * Stages may block (DNS, a Redis store, clamd); a door calls them on a thread that may wait. A door with
 * an event loop (policy delegation, milter) first calls {@link org.mxfront.policy.PolicySession#prepare()}
 * (starts the checks' DNS queries, never blocks) and asks
 * {@link org.mxfront.policy.PolicySession#mayBlock} before a stage and
 * {@link org.mxfront.policy.PolicySession#messageBytesMayBlock} before message bytes: when the answer
 * is false it runs them on the event loop, saving the hand-off to a virtual thread and back. Each check
 * says so through {@link org.mxfront.policy.Check#mayBlock} (true unless it overrides it).
 *
 * <h2>Which checks need which facts</h2>
 * <table>
 * <caption>facts by check</caption>
 * <tr><th>check</th><th>stage</th><th>needs</th></tr>
 * <tr><td>connection-limit</td><td>CONNECT</td><td>connectionsFromAddress (SMTP door only)</td></tr>
 * <tr><td>early-talker</td><td>CONNECT</td><td>a pregreet probe (SMTP door only)</td></tr>
 * <tr><td>dnsbl (CONNECT or RCPT), rdns (RCPT)</td><td>as said</td><td>client address</td></tr>
 * <tr><td>helo</td><td>HELO (applied at RCPT)</td><td>HELO name, client address</td></tr>
 * <tr><td>relay, recipient-limit, recipient-mx, greylist</td><td>RCPT</td><td>client, sender, recipient,
 *     recipients accepted so far</td></tr>
 * <tr><td>sender-domain</td><td>MAIL</td><td>sender</td></tr>
 * <tr><td>message-size</td><td>MAIL, END_OF_DATA</td><td>SIZE= declared; bytes received</td></tr>
 * <tr><td>received-hops, headers</td><td>HEADERS</td><td>the header section</td></tr>
 * <tr><td>attachments, virus</td><td>END_OF_DATA</td><td>the message bytes (a MessageCheck reader)</td></tr>
 * </table>
 */
package org.mxfront.policy;
