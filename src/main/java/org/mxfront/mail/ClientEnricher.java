// An optional step between accepting a connection and running the CONNECT checks that completes
// what is known of the client (today: its verified reverse host name, from the DNS component), so
// that logs (host[ip]), checks and XFORWARD NAME all see the same name. Transport-free.
package org.mxfront.mail;

/**
 * Completes a {@link ClientInfo}. Called on the session's thread; may block within its own timeout.
 */
public interface ClientEnricher {
    /** Leaves the client as it is. */
    ClientEnricher NONE = new ClientEnricher() {
        @Override
        public ClientInfo enrich(ClientInfo client) { return client; }

        @Override
        public boolean mayBlock(ClientInfo client) { return false; }
    };

    ClientInfo enrich(ClientInfo client);

    /** Whether {@link #enrich} may wait for this client (see the engine's {@code Check.mayBlock}); true unless known otherwise. */
    default boolean mayBlock(ClientInfo client) {
        return true;
    }
}
