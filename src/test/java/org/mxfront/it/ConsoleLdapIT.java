// Console logins with the mail password against a real OpenLDAP slapd, the directory the recipients
// check uses: the address finds the entry, a bind as it checks the password; an attribute value makes
// an operator or a domain admin; a wrong or empty password is refused; a directory that is down
// refuses every login (503), never lets one in.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLdapIT {
    static final SlapdFixture slapd = SlapdFixture.zimbra(); // started by mx (ldap/zimbra.ldif)
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(() -> """
            checks:
              recipients:
                ldap: {url: "%s", base-dn: "dc=test", response-timeout: 1s, connect-timeout: 1s}
            domains:
              zim.test: {checks: {recipients: {enabled: true, source: ldap}}}
              other.test: {}
            console:
              enabled: true
              listen: 127.0.0.1:0
              ldap-login: true
              ldap-operators: [mxfront-operator]
              ldap-domain-admins: [mxfront-domain-admin]
            """.formatted(slapd.url()), slapd);

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    String url(String path) {
        return "http://127.0.0.1:" + mx.get().daemon.consolePort() + path;
    }

    /** Posts the login form; returns the response. */
    HttpResponse<String> login(String user, String password) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url("/login"))).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertTrue(m.find());
        String cookie = page.headers().allValues("set-cookie").get(0);
        String form = "_csrf=" + m.group(1) + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(url("/login"))).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(HttpResponse<String> loggedIn, String path) throws Exception {
        String c = loggedIn.headers().allValues("set-cookie").stream().filter(s -> s.startsWith("mxconsole=")).findFirst().orElseThrow();
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", c.substring(0, c.indexOf(';'))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void aMailboxOwnerLogsInWithTheMailPassword() throws Exception {
        HttpResponse<String> r = login("Alice@zim.test", "alice-mail-pw");
        assertEquals(303, r.statusCode(), r.body());
        String dash = get(r, "/").body();
        assertTrue(dash.contains("alice@zim.test (user)"), dash);
        assertEquals(404, get(r, "/domains").statusCode());
    }

    @Test
    @Order(2)
    void wrongEmptyAndUnknownAreRefused() throws Exception {
        assertEquals(401, login("alice@zim.test", "wrong").statusCode());
        assertEquals(401, login("alice@zim.test", "").statusCode(), "an empty password is no anonymous bind");
        assertEquals(401, login("nobody@zim.test", "alice-mail-pw").statusCode());
        assertEquals(401, login("*@zim.test", "alice-mail-pw").statusCode(), "the address is escaped in the filter");
    }

    @Test
    @Order(3)
    void attributeValuesMakeOperatorsAndDomainAdmins() throws Exception {
        HttpResponse<String> dora = login("dora@zim.test", "dora-mail-pw");
        assertEquals(303, dora.statusCode());
        assertTrue(get(dora, "/").body().contains("dora@zim.test (domain-admin)"));
        assertEquals(200, get(dora, "/domains/zim.test").statusCode());
        assertEquals(404, get(dora, "/domains/other.test").statusCode());
        HttpResponse<String> boss = login("boss@zim.test", "boss-mail-pw");
        assertTrue(get(boss, "/").body().contains("boss@zim.test (operator)"));
        assertEquals(200, get(boss, "/domains/other.test").statusCode());
    }

    @Test
    @Order(4)
    void aDirectoryThatIsDownRefusesLogins() throws Exception {
        slapd.get().kill();
        HttpResponse<String> r = login("alice@zim.test", "alice-mail-pw");
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("Logins are not possible right now"), r.body());
        assertTrue(r.headers().allValues("set-cookie").stream().noneMatch(c -> c.startsWith("mxconsole=")));
    }
}
