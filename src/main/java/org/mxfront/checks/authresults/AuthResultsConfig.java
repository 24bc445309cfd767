// Settings of the authentication-results check: the authserv-id our header carries (and whose
// look-alikes arriving from outside are removed). Default: server.hostname.
package org.mxfront.checks.authresults;

/**
 * @param authservId the authserv-id (RFC 8601 2.5); null: our host name
 */
public record AuthResultsConfig(String authservId) {
    public AuthResultsConfig {
        if (authservId != null && authservId.isBlank()) authservId = null;
        if (authservId != null && !authservId.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new IllegalArgumentException("authserv-id: '" + authservId + "' is not a host name");
        }
    }
}
