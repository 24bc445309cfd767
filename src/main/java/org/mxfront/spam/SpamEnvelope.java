// What a classifier is told about a message besides its bytes: rspamd takes these as request
// headers of /checkv2 (IP, Helo, Hostname, From, Rcpt once per recipient, Queue-Id, User,
// Settings-ID); spamd takes only its user name.
package org.mxfront.spam;

import java.util.List;

/**
 * The envelope and client of one message.
 *
 * @param ip         the client's address
 * @param helo       its HELO name, or null
 * @param hostname   its verified reverse name, or null when unknown
 * @param from       the envelope sender ("" for the null sender)
 * @param rcpts      the recipients
 * @param queueId    an id tying rspamd's log to ours (mxfront's session id)
 * @param user       the authenticated user, or null
 * @param settingsId rspamd's Settings-ID, or null
 */
public record SpamEnvelope(String ip, String helo, String hostname, String from, List<String> rcpts, String queueId,
        String user, String settingsId) {
    public SpamEnvelope {
        rcpts = List.copyOf(rcpts);
    }
}
