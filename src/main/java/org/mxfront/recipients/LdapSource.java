// The `ldap` recipient source: one search per address against a directory (Zimbra's is the
// documented example), through an UnboundID connection pool with a maximum connection age and
// background health checks (the pool has no idle timeout of its own); each lookup has one deadline,
// response-timeout, for checkout, search and a retry together.
// Any LDAP failure is "unavailable" (a tempfail at RCPT), never "no such user". The entry's
// account-status attribute (zimbraAccountStatus) comes back in the same search and gives its state.
package org.mxfront.recipients;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.GetEntryLDAPConnectionPoolHealthCheck;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import java.util.Locale;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.mxfront.util.Lazy;

/** Directory lookups. Thread-safe (the pool is). */
public final class LdapSource implements RecipientSource {
    private final LdapSettings settings;
    /** Opened at {@link #warmUp} or the first lookup. */
    private final Lazy<LDAPConnectionPool, LDAPException> pool;

    /**
     * Nothing is connected yet: the pool opens at {@link #warmUp} or at the first lookup, so that
     * checking a configuration file never connects to the directory. A directory down then is not an
     * error (lookups say "unavailable" until it is back).
     */
    public LdapSource(LdapSettings s) {
        this.settings = s;
        this.pool = new Lazy<>(this::open, () -> new LDAPException(ResultCode.LOCAL_ERROR, "closed"));
    }

    @Override
    public void warmUp() {
        try {
            pool();
        } catch (LDAPException e) {
            // the first lookup tries again and says "unavailable"
        }
    }

    /** The pool, opened on first use (a volatile read once it exists). */
    private LDAPConnectionPool pool() throws LDAPException {
        return pool.get();
    }

    private LDAPConnectionPool open() throws LDAPException {
        LdapSettings s = settings;
        LDAPURL url = new LDAPURL(s.url());
        LDAPConnectionOptions o = new LDAPConnectionOptions();
        o.setConnectTimeoutMillis((int) s.connectTimeout().toMillis());
        o.setResponseTimeoutMillis(s.responseTimeout().toMillis());
        o.setAbandonOnTimeout(true);
        o.setUseKeepAlive(true);
        SocketFactory sf = url.getScheme().equals("ldaps") ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
        SingleServerSet servers = new SingleServerSet(url.getHost(), url.getPort(), sf, o);
        BindRequest bind = s.bindDn().isEmpty() ? null : new SimpleBindRequest(s.bindDn(), s.bindPassword());
        long rt = s.responseTimeout().toMillis();
        // health check: read the root DSE in the background and after an exception on a connection
        GetEntryLDAPConnectionPoolHealthCheck health =
                new GetEntryLDAPConnectionPoolHealthCheck("", rt, false, false, false, false, true, true);
        LDAPConnectionPool p = new LDAPConnectionPool(servers, bind, 1, s.poolSize(), 1, null, false, health);
        p.setConnectionPoolName("mxfront-recipients-ldap");
        p.setMaxConnectionAgeMillis(s.maxConnectionAge().toMillis());
        p.setHealthCheckIntervalMillis(s.healthCheckInterval().toMillis());
        p.setMaxWaitTimeMillis(rt);
        return p;
    }

    @Override
    public String kind() { return "ldap"; }

    @Override
    public Lookup lookup(String localPart, String domain) {
        SearchRequest req;
        try {
            String attr = settings.statusAttribute();
            req = new SearchRequest(settings.baseDn(), SearchScope.SUB,
                    LdapSettings.expand(settings.filter(), localPart, domain), attr.isEmpty() ? "1.1" : attr);
        } catch (LDAPException e) {
            return new Lookup.Unavailable("bad filter for <" + localPart + "@" + domain + ">: " + e.getMessage());
        }
        req.setSizeLimit(1);
        // One deadline for the whole lookup: checkout (a new connection's connect and bind included),
        // the search, and one retry on a fresh connection when a pooled one turned out dead. The
        // pool's own retry and its health check after an exception would each wait the response
        // timeout again (a frozen directory cost 4 times response-timeout per RCPT), so the pool is
        // driven by hand: a connection that failed is discarded, never checked in the caller's time.
        long rt = settings.responseTimeout().toMillis();
        long deadline = System.nanoTime() + rt * 1_000_000L;
        LDAPConnectionPool p;
        try {
            p = pool();
        } catch (LDAPException e) {
            return new Lookup.Unavailable("ldap " + settings.url() + ": " + e.getMessage());
        }
        String why = "no answer within " + rt + " ms";
        for (int attempt = 1; attempt <= 2; attempt++) {
            LDAPConnection c;
            try {
                c = p.getConnection();
            } catch (LDAPException e) {
                return new Lookup.Unavailable("ldap " + settings.url() + ": " + e.getMessage());
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                p.releaseConnection(c);
                break;
            }
            req.setResponseTimeoutMillis(left);
            try {
                SearchResult r = c.search(req);
                p.releaseConnection(c);
                return r.getEntryCount() > 0 ? found(r.getSearchEntries().get(0)) : new Lookup.NotFound("no directory entry");
            } catch (LDAPSearchException e) {
                if (ResultCode.isConnectionUsable(e.getResultCode())) {
                    p.releaseConnection(c);
                    if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED && e.getEntryCount() > 0) {
                        return found(e.getSearchEntries().get(0));
                    }
                    // the directory answered with an error, a missing base DN included (a typo must
                    // never refuse everyone): no answer
                    return new Lookup.Unavailable("ldap " + settings.url() + ": " + e.getResultCode() + " " + e.getMessage());
                }
                // timed out or the connection broke: drop it, no health check and no replacement now
                p.discardConnection(c);
                why = e.getResultCode() + " " + e.getMessage();
                if (e.getResultCode() == ResultCode.TIMEOUT) break;
            }
        }
        return new Lookup.Unavailable("ldap " + settings.url() + ": " + why);
    }

    /** An entry found: its account state from the status attribute (absent or a value not configured: active). */
    private Lookup.Found found(SearchResultEntry entry) {
        String attr = settings.statusAttribute();
        String value = attr.isEmpty() ? null : entry.getAttributeValue(attr);
        if (value == null) return new Lookup.Found("directory entry");
        AccountState state = settings.statusValues().getOrDefault(value.strip().toLowerCase(Locale.ROOT), AccountState.ACTIVE);
        return new Lookup.Found("directory entry, " + attr + "=" + value, state);
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "ldap " + settings.url();
    }
}
