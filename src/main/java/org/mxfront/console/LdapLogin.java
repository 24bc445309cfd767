// Console logins with the mail password, against the directory the recipients check already uses
// (checks.recipients with source: ldap), as Zimbra's own login does: the address finds the entry
// (the check's filter, %s/%u/%d escaped), then a bind as that entry with the given password decides.
// The entry's attribute values (memberOf, a role attribute, ...) listed in console.ldap-operators or
// console.ldap-domain-admins make an operator or a domain admin of the address's domain; anyone else
// is a user of their own address. A directory that is down or unreachable refuses the login
// (Unavailable), and an empty password is refused before any bind (an LDAP bind with an empty
// password is an anonymous bind, which "succeeds").
package org.mxfront.console;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.mxfront.checks.recipients.RecipientsCheck;
import org.mxfront.checks.recipients.RecipientsConfig;
import org.mxfront.config.DaemonConfig;
import org.mxfront.policy.ConfiguredCheck;
import org.mxfront.policy.Policy;
import org.mxfront.recipients.LdapSettings;

/** LDAP bind logins. Thread-safe (a connection per login; logins are rare). */
public final class LdapLogin implements Authenticator {
    private final Supplier<LdapSettings> settings;
    private final List<String> operators;
    private final List<String> domainAdmins;

    LdapLogin(Supplier<LdapSettings> settings, List<String> operators, List<String> domainAdmins) {
        this.settings = settings;
        this.operators = operators.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
        this.domainAdmins = domainAdmins.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }

    /** Against the recipients check's directory in the configuration in force at each login. */
    public static LdapLogin from(Supplier<DaemonConfig> config, DaemonConfig.Console c) {
        return new LdapLogin(() -> directory(config.get()), c.ldapOperators(), c.ldapDomainAdmins());
    }

    private static LdapSettings directory(DaemonConfig c) {
        List<Policy> policies = new java.util.ArrayList<>();
        policies.add(c.engine().defaultPolicy());
        policies.addAll(c.engine().domainPolicies().values());
        for (Policy p : policies) {
            for (ConfiguredCheck cc : p.checks()) {
                if (cc.check() instanceof RecipientsCheck r && r.config().source() == RecipientsConfig.Source.LDAP) {
                    return r.config().ldap();
                }
            }
        }
        return null;
    }

    @Override
    public Optional<Principal> authenticate(String name, char[] password) throws Unavailable {
        int at = name.lastIndexOf('@');
        if (at < 1 || at == name.length() - 1) return Optional.empty();
        if (password.length == 0) return Optional.empty();
        LdapSettings s = settings.get();
        if (s == null) throw new Unavailable("console.ldap-login is on, but no recipients check uses an LDAP directory", null);
        String local = name.substring(0, at);
        String domain = name.substring(at + 1).toLowerCase(Locale.ROOT);
        try (LDAPConnection conn = connect(s)) {
            if (!s.bindDn().isEmpty()) conn.bind(s.bindDn(), s.bindPassword());
            SearchResult r = conn.search(s.baseDn(), SearchScope.SUB, LdapSettings.expand(s.filter(), local, domain), "*", "memberOf");
            if (r.getEntryCount() != 1) return Optional.empty();
            SearchResultEntry entry = r.getSearchEntries().get(0);
            try {
                conn.bind(entry.getDN(), new String(password));
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) return Optional.empty();
                throw e;
            }
            String address = name.toLowerCase(Locale.ROOT);
            if (has(entry, operators)) return Optional.of(new Principal(address, Role.OPERATOR, Set.of(), null));
            if (has(entry, domainAdmins)) return Optional.of(new Principal(address, Role.DOMAIN_ADMIN, Set.of(domain), null));
            return Optional.of(new Principal(address, Role.USER, Set.of(), address));
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) return Optional.empty();
            throw new Unavailable("ldap " + s.url() + ": " + e.getResultCode() + " " + e.getMessage(), e);
        }
    }

    private static boolean has(SearchResultEntry entry, List<String> values) {
        if (values.isEmpty()) return false;
        for (Attribute a : entry.getAttributes()) {
            for (String v : a.getValues()) if (values.contains(v.toLowerCase(Locale.ROOT))) return true;
        }
        return false;
    }

    private static LDAPConnection connect(LdapSettings s) throws LDAPException {
        LDAPURL url = new LDAPURL(s.url());
        LDAPConnectionOptions o = new LDAPConnectionOptions();
        o.setConnectTimeoutMillis((int) s.connectTimeout().toMillis());
        o.setResponseTimeoutMillis(s.responseTimeout().toMillis());
        SocketFactory sf = url.getScheme().equals("ldaps") ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
        return new LDAPConnection(sf, o, url.getHost(), url.getPort());
    }
}
