// The web console in a real headless Chromium (Debian's chromium and chromium-driver through
// Selenium), against an in-process mxfront whose SMTP door relays to smtp-sink: mail sent through
// the door shows up on the dashboard's graphs, in the live view (within 2 s) and in the trace, with
// its check and reply; each role logs in and sees what it may, a domain admin gets "not found" for
// another domain by every URL; a HELO and a sender carrying markup are shown as text (no alert
// fires, the DOM holds the text). Each page is photographed (target/console-screenshots; also
// docs/console with -Dmxfront.console.screenshots=docs/console).
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mxfront.console.Passwords;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

class ConsoleBrowserIT {
    static final String XSS_HELO = "<script>alert(1)</script>";
    static final String XSS_LOCAL = "\"><img src=x onerror=alert(2)>";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @RegisterExtension
    static final SinkFixture sink = new SinkFixture();
    @RegisterExtension
    static final ChromiumFixture chromium = new ChromiumFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingTo(sink).with(ConsoleBrowserIT::yaml);

    static String yaml() {
        try {
            Path dir = Files.createTempDirectory("mxfront-console-it");
            Path users = dir.resolve("users");
            Files.writeString(users, String.join("\n",
                    "op operator - " + Passwords.hash("op-password".toCharArray()),
                    "alice domain-admin example.com " + Passwords.hash("alice-password".toCharArray()),
                    "bob@example.com user - " + Passwords.hash("bob-password".toCharArray()), ""));
            // the policy store (embedded) holds the decision journal the trace searches
            return """
                    state-directory: %s
                    policy-store: {enabled: true, poll-interval: 200ms}
                    checks:
                      connection-limit: {}
                      helo: {}
                      relay: {}
                      recipient-limit: {}
                      message-size: {}
                      policy-lists: {enabled: true}
                    domains: {example.com: {}, example.org: {}}
                    console: {enabled: true, listen: 127.0.0.1:0, users-file: %s}
                    """.formatted(dir.resolve("state"), users);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    ChromeDriver browser() {
        return chromium.get().driver;
    }

    String url(String path) {
        return "http://127.0.0.1:" + mx.get().daemon.consolePort() + path;
    }

    @AfterEach
    void logOut() {
        assertNoAlert();
        browser().manage().deleteAllCookies();
    }

    void login(String user, String password) {
        ChromeDriver b = browser();
        b.manage().deleteAllCookies();
        b.get(url("/login"));
        b.findElement(By.id("user")).sendKeys(user);
        b.findElement(By.id("password")).sendKeys(password);
        b.findElement(By.id("login")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("who")));
    }

    void assertNoAlert() {
        try {
            String text = browser().switchTo().alert().getText();
            throw new AssertionError("an alert fired: " + text);
        } catch (NoAlertPresentException expected) {
            // good
        }
    }

    void shot(String name) throws Exception {
        byte[] png = browser().getScreenshotAs(OutputType.BYTES);
        Path t = Path.of("target/console-screenshots");
        Files.createDirectories(t);
        Files.write(t.resolve(name + ".png"), png);
        String docs = System.getProperty("mxfront.console.screenshots");
        if (docs != null && !docs.isBlank()) {
            Files.createDirectories(Path.of(docs));
            Files.write(Path.of(docs).resolve(name + ".png"), png);
        }
    }

    String h1() {
        return browser().findElement(By.tagName("h1")).getText();
    }

    /** A message through the SMTP door, accepted. */
    static void deliver(String source, String helo, String from, String to) throws Exception {
        try (SmtpClient c = mx.client(source)) {
            c.reply();
            c.command("EHLO " + helo);
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + from + ">"));
            assertEquals(List.of("250 2.1.5 Ok"), c.command("RCPT TO:<" + to + ">"));
            assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
            List<String> r = c.command("From: " + from + "\r\nTo: " + to + "\r\nSubject: console " + SEQ.incrementAndGet()
                    + "\r\n\r\nhello\r\n.");
            assertTrue(r.get(0).startsWith("250 2.0.0"), r.toString());
            c.command("QUIT");
        }
    }

    /** A relay attempt through the SMTP door, refused with XM-RJCT06. */
    static void relayAttempt(String source, String helo, String from) throws Exception {
        try (SmtpClient c = mx.client(source)) {
            c.reply();
            c.command("EHLO " + helo);
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<" + from + ">"));
            assertEquals(List.of("550-5.7.1 XM-RJCT06: Unauthorized relay attempt", "550 5.7.1 [" + source + "] [mx.test]"),
                    c.command("RCPT TO:<someone@elsewhere.example>"));
            c.command("QUIT");
        }
    }

    @Test
    void theDashboardDrawsGraphsFromRealTraffic() throws Exception {
        for (int i = 0; i < 3; i++) deliver("127.0.0.2", "client.sender.example", "a" + i + "@sender.example", "bob@example.com");
        relayAttempt("127.0.0.3", "spammer.example", "x@spam.example");
        relayAttempt("127.0.0.3", "spammer.example", "y@spam.example");
        login("op", "op-password");
        ChromeDriver b = browser();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> "drawn".equals(d.findElement(By.tagName("body")).getDomAttribute("data-dashboard"))
                || "drawn".equals(((JavascriptExecutor) d).executeScript("return document.body.getAttribute('data-dashboard')")));
        JavascriptExecutor js = b;
        long refused = ((Number) js.executeScript(
                "return Chart.getChart('chart-minutes').data.datasets[1].data.reduce((a, b) => a + b, 0)")).longValue();
        long accepted = ((Number) js.executeScript(
                "return Chart.getChart('chart-minutes').data.datasets[0].data.reduce((a, b) => a + b, 0)")).longValue();
        assertTrue(refused >= 2, "refused on the graph: " + refused);
        assertTrue(accepted >= 3, "accepted on the graph: " + accepted);
        assertTrue(((List<?>) js.executeScript("return Chart.getChart('chart-codes').data.labels")).contains("XM-RJCT06"));
        assertTrue(((List<?>) js.executeScript("return Chart.getChart('chart-checks').data.labels")).contains("relay"));
        // the canvas has pixels drawn (not a blank box)
        Object painted = js.executeScript("const c = document.getElementById('chart-minutes');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;");
        assertTrue(((Number) painted).longValue() > 1000, "painted pixels: " + painted);
        assertTrue(b.findElement(By.id("top-networks")).getText().contains("127.0.0.0/24"));
        assertTrue(b.findElement(By.id("top-domains")).getText().contains("spam.example"));
        String doors = b.findElement(By.id("doors")).getText();
        assertTrue(doors.contains("smtp") && doors.contains("listening") && doors.contains("reachable"), doors);
        assertTrue(b.findElement(By.id("store-status")).getText().startsWith("reachable, version"),
                b.findElement(By.id("store-status")).getText());
        assertTrue(b.findElement(By.id("journal-status")).getText().contains("decisions written, 0 dropped"),
                b.findElement(By.id("journal-status")).getText());
        assertEquals("none since start", b.findElement(By.id("reload-status")).getText());
        shot("dashboard");
        // the last day: 96 quarter-hours, counted by the journal (it is on here); the same traffic is in it
        b.findElement(By.id("span-day")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> "day".equals(
                ((JavascriptExecutor) d).executeScript("return document.body.getAttribute('data-span')")));
        assertEquals(96L, ((Number) js.executeScript("return Chart.getChart('chart-minutes').data.labels.length")).longValue());
        assertEquals("Per 15 minutes", b.findElement(By.id("chart-minutes-title")).getText());
        assertEquals("(counted by the journal)", b.findElement(By.id("span-source")).getText());
        new WebDriverWait(b, Duration.ofSeconds(40)).until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "return Chart.getChart('chart-minutes').data.datasets[1].data.reduce((a, b) => a + b, 0)")).longValue() >= 2);
    }

    @Test
    void aRefusalShowsUpInLiveDecisionsWithinTwoSeconds() throws Exception {
        login("op", "op-password");
        ChromeDriver b = browser();
        b.get(url("/live?outcome=refused"));
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("live-status")).getText().equals("live"));
        String sender = "live" + SEQ.incrementAndGet() + "@spam.example";
        relayAttempt("127.0.0.4", "live.spam.example", sender);
        long t0 = System.nanoTime();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#live td.sender")).stream()
                .anyMatch(e -> e.getText().equals(sender)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        WebElement row = b.findElements(By.cssSelector("#live tbody tr")).get(0);
        assertTrue(row.getText().contains("XM-RJCT06") && row.getText().contains("relay"), row.getText());
        System.out.println("console live view: the refusal appeared " + ms + " ms after its reply");
        // pausing holds lines back; resuming shows them
        b.findElement(By.id("pause")).click();
        String held = "held" + SEQ.incrementAndGet() + "@spam.example";
        relayAttempt("127.0.0.4", "live.spam.example", held);
        Thread.sleep(700);
        assertFalse(b.findElements(By.cssSelector("#live td.sender")).stream().anyMatch(e -> e.getText().equals(held)));
        b.findElement(By.id("pause")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#live td.sender")).stream()
                .anyMatch(e -> e.getText().equals(held)));
        shot("live");
    }

    @Test
    void theTraceFindsARefusalBySenderAndSessionAndShowsCheckAndReply() throws Exception {
        String sender = "trace" + SEQ.incrementAndGet() + "@spam.example";
        relayAttempt("127.0.0.5", "trace.spam.example", sender);
        login("op", "op-password");
        ChromeDriver b = browser();
        b.get(url("/trace"));
        b.findElement(By.id("q-sender")).sendKeys(sender);
        // the journal is written in batches off the mail path: search again until the row is there
        WebElement hit = new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> {
            d.findElement(By.id("search")).click();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<WebElement> rows = d.findElements(By.cssSelector("#hits tbody tr"));
            return rows.isEmpty() ? null : rows.get(0);
        });
        assertTrue(b.findElement(By.id("hit-count")).getText().contains("in the journal"), b.findElement(By.id("hit-count")).getText());
        assertEquals("relay", hit.findElement(By.cssSelector("td.check")).getText());
        assertTrue(hit.findElement(By.cssSelector("td.reply")).getText().contains("550 5.7.1 XM-RJCT06: Unauthorized relay attempt"),
                hit.getText());
        String session = hit.findElement(By.cssSelector("td a")).getText();
        assertEquals(12, session.length(), session);
        shot("trace");
        // by session id, on a fresh page
        b.get(url("/trace?session=" + session));
        assertEquals(1, b.findElements(By.cssSelector("#hits tbody tr")).size());
        b.findElement(By.cssSelector("#hits td a")).click();
        new WebDriverWait(b, Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(By.id("session-id")));
        assertEquals(session, b.findElement(By.id("session-id")).getText());
        String page = b.findElement(By.tagName("main")).getText();
        assertTrue(page.contains("550 5.7.1 XM-RJCT06: Unauthorized relay attempt") && page.contains("550 5.7.1 [127.0.0.5] [mx.test]"), page);
        assertEquals("relay", b.findElement(By.cssSelector("dd.check")).getText());
        shot("session");
    }

    @Test
    void markupFromMailIsShownAsText() throws Exception {
        String sender = XSS_LOCAL.replace("\"", "\\\"");
        try (SmtpClient c = mx.client("127.0.0.6")) {
            c.reply();
            c.command("EHLO " + XSS_HELO);
            List<String> mail = c.command("MAIL FROM:<\"" + sender + "\"@evil.example>");
            assertEquals(List.of("250 2.1.0 Ok"), mail);
            c.command("RCPT TO:<someone@elsewhere.example>");
            c.command("QUIT");
        }
        login("op", "op-password");
        ChromeDriver b = browser();
        String traceUrl = url("/trace?helo=" + java.net.URLEncoder.encode(XSS_HELO, java.nio.charset.StandardCharsets.UTF_8));
        WebElement helo = new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> {
            d.get(traceUrl);
            List<WebElement> cells = d.findElements(By.cssSelector("#hits td.helo"));
            return cells.isEmpty() ? null : cells.get(0);
        });
        assertEquals(XSS_HELO, helo.getText());
        assertTrue(b.findElement(By.cssSelector("#hits td.sender")).getText().contains("<img src=x onerror=alert(2)>"));
        assertEquals(0, b.findElements(By.cssSelector("#hits img, main script")).size(), "no element made from mail");
        assertNoAlert();
        shot("trace-markup");
        b.get(url("/live"));
        new WebDriverWait(b, Duration.ofSeconds(5)).until(d -> d.findElements(By.cssSelector("#live td.helo")).stream()
                .anyMatch(e -> e.getText().equals(XSS_HELO)));
        assertEquals(0, b.findElements(By.cssSelector("#live img, #live script")).size());
        assertNoAlert();
        b.findElement(By.cssSelector("#live td a")).click();
        new WebDriverWait(b, Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(By.id("session-helo")));
        assertEquals(XSS_HELO, b.findElement(By.id("session-helo")).getText());
        assertNoAlert();
    }

    @Test
    void aDomainAdminSeesTheirDomainAndNothingElse() throws Exception {
        String other = "carol" + SEQ.incrementAndGet() + "@example.org";
        deliver("127.0.0.2", "client.sender.example", "someone@sender.example", other);
        deliver("127.0.0.2", "client.sender.example", "someone@sender.example", "dave@example.com");
        login("op", "op-password");
        String session = new WebDriverWait(browser(), Duration.ofSeconds(10)).until(d -> {
            d.get(url("/trace?recipient=" + other));
            List<WebElement> links = d.findElements(By.cssSelector("#hits td a"));
            return links.isEmpty() ? null : links.get(0).getText();
        });
        login("alice", "alice-password");
        ChromeDriver b = browser();
        assertTrue(b.findElement(By.id("who")).getText().contains("alice (domain-admin)"));
        b.get(url("/domains"));
        assertEquals(List.of("example.com"), b.findElements(By.cssSelector("#domains li > a:first-child")).stream()
                .map(WebElement::getText).toList());
        shot("domains");
        b.get(url("/domains/example.com"));
        assertEquals("example.com", h1());
        for (String path : List.of("/domains/example.org", "/domains/EXAMPLE.ORG", "/trace?domain=example.org",
                "/trace/session/" + session, "/greylist", "/ratelimit", "/live/stream?domain=example.org")) {
            b.get(url(path));
            String text = b.findElement(By.tagName("body")).getText();
            assertTrue(text.contains("Not found") || text.contains("not found"), path + ": " + text);
        }
        b.get(url("/trace?recipient=" + other));
        assertEquals(0, b.findElements(By.cssSelector("#hits tbody tr")).size());
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> {
            d.get(url("/trace?recipient=dave@example.com"));
            return !d.findElements(By.cssSelector("#hits tbody tr")).isEmpty();
        });
        b.get(url("/"));
        assertEquals("Dashboard", h1());
    }

    @Test
    void aSafeEntryAddedInTheBrowserLetsTheNextMessageThrough() throws Exception {
        List<String> refused = List.of("501-5.5.2 XM-RJCT25: Helo command rejected: invalid name <<bad>>.",
                "501 5.5.2 [127.0.0.8] [mx.test]");
        try (SmtpClient c = mx.client("127.0.0.8")) {
            c.reply();
            c.command("EHLO <bad>");
            assertEquals(List.of("250 2.1.0 Ok"), c.command("MAIL FROM:<someone@sender.example>"));
            assertEquals(refused, c.command("RCPT TO:<bob@example.com>"));
        }
        login("op", "op-password");
        ChromeDriver b = browser();
        b.get(url("/lists"));
        new org.openqa.selenium.support.ui.Select(b.findElement(By.id("e-list"))).selectByValue("safe");
        new org.openqa.selenium.support.ui.Select(b.findElement(By.id("e-scope"))).selectByValue("user");
        b.findElement(By.id("e-key")).sendKeys("bob@example.com");
        new org.openqa.selenium.support.ui.Select(b.findElement(By.id("e-kind"))).selectByValue("ip");
        b.findElement(By.id("e-value")).sendKeys("127.0.0.8");
        b.findElement(By.id("e-comment")).sendKeys("our partner's old server");
        b.findElement(By.id("e-add")).click();
        // the click submits a form: the answer is a new page, which may still be loading when click() returns
        WebElement done = new WebDriverWait(b, Duration.ofSeconds(10)).until(
                ExpectedConditions.presenceOfElementLocated(By.id("lists-done")));
        assertTrue(done.getText().startsWith("Added safe entry"), b.findElement(By.tagName("main")).getText());
        // the page lists the store's snapshot in memory: the entry shows once the poller has read it
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> {
            d.get(url("/lists"));
            return d.findElement(By.id("entries")).getText().contains("127.0.0.8/32");
        });
        shot("lists");
        // in force once the store's poller has read it (poll-interval 200ms here)
        long t0 = System.nanoTime();
        List<String> rcpt = List.of();
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            try (SmtpClient c = mx.client("127.0.0.8")) {
                c.reply();
                c.command("EHLO <bad>");
                c.command("MAIL FROM:<someone@sender.example>");
                rcpt = c.command("RCPT TO:<bob@example.com>");
                if (rcpt.equals(List.of("250 2.1.5 Ok"))) {
                    assertEquals(List.of("354 End data with <CR><LF>.<CR><LF>"), c.command("DATA"));
                    List<String> r = c.command("From: someone@sender.example\r\nSubject: safe\r\n\r\nhello\r\n.");
                    assertTrue(r.get(0).startsWith("250 2.0.0"), r.toString());
                    break;
                }
                assertEquals(refused, rcpt);
            }
            Thread.sleep(200);
        }
        assertEquals(List.of("250 2.1.5 Ok"), rcpt, "the safe entry lifted the HELO refusal");
        // the domain admin of example.com sees it (bob is in her domain); the Lists page filters by role
        login("alice", "alice-password");
        b.get(url("/lists"));
        assertTrue(b.findElement(By.id("entries")).getText().contains("127.0.0.8/32"));
        assertTrue(b.findElements(By.cssSelector("#e-scope option[value=operator]")).isEmpty(), "no operator scope for her");
    }

    @Test
    void eachRoleLogsInAndSeesItsPages() throws Exception {
        login("op", "op-password");
        ChromeDriver b = browser();
        assertTrue(b.findElement(By.tagName("nav")).getText().contains("Greylist"));
        b.get(url("/greylist?action=list"));
        assertTrue(b.findElement(By.tagName("main")).getText().contains("Greylist"));
        shot("greylist");
        b.get(url("/explain"));
        b.findElement(By.name("client-ip")).sendKeys("127.0.0.9");
        b.findElement(By.name("helo")).sendKeys("client.example");
        b.findElement(By.name("from")).sendKeys("a@sender.example");
        b.findElement(By.name("rcpt")).sendKeys("someone@elsewhere.example");
        b.findElement(By.cssSelector("form.stack button")).click();
        WebElement out = new WebDriverWait(b, Duration.ofSeconds(10)).until(
                ExpectedConditions.presenceOfElementLocated(By.id("explain-output")));
        assertTrue(out.getText().contains("XM-RJCT06"), out.getText());
        shot("explain");

        login("alice", "alice-password");
        assertFalse(browser().findElement(By.tagName("nav")).getText().contains("Greylist"));
        login("bob@example.com", "bob-password");
        String nav = browser().findElement(By.tagName("nav")).getText();
        assertFalse(nav.contains("Domains") || nav.contains("Explain") || nav.contains("Greylist"), nav);
        assertTrue(browser().findElement(By.id("who")).getText().contains("bob@example.com (user)"));

        browser().manage().deleteAllCookies();
        browser().get(url("/login"));
        browser().findElement(By.id("user")).sendKeys("op");
        browser().findElement(By.id("password")).sendKeys("wrong");
        browser().findElement(By.id("login")).click();
        assertEquals("Wrong name or password.", new WebDriverWait(browser(), Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("login-error"))).getText());
        shot("login");
        browser().get(url("/codes#XM-RJCT06"));
        assertTrue(browser().findElement(By.id("XM-RJCT06")).getText().contains("Unauthorized relay attempt"));
        shot("codes");
    }
}
