// The console's Report spam page in a real headless Chromium (as ConsoleBrowserIT, whose class this
// leaves alone) with a real rspamd (SpamLearnIT's configuration and fixture): an operator follows the
// navigation link, pastes a message, submits, and the page that loads says it was learned while
// rspamd's /stat learned count rises by one; the page passes the strict CSP without an alert; a
// domain admin has no link to it.
package org.mxfront.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

class ConsoleSpamBrowserIT {
    static final RspamdFixture rspamd = new RspamdFixture(); // Bayes on a Redis of its own; started by mx
    @RegisterExtension
    static final ChromiumFixture chromium = new ChromiumFixture();
    @RegisterExtension
    static final MxfrontFixture mx = MxfrontFixture.relayingToNewSink().with(() -> SpamLearnIT.yaml(rspamd), rspamd);

    String url(String path) {
        return "http://127.0.0.1:" + mx.get().daemon.consolePort() + path;
    }

    ChromeDriver login(String user, String password) {
        return chromium.get().logIn(url("/login"), user, password);
    }

    @Test
    void anOperatorReportsAPastedMessageAndRspamdLearnsIt() throws Exception {
        ChromeDriver b = login("op", "op-password");
        b.findElement(By.id("nav-spam")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("spam-form")));
        long before = SpamLearnIT.learned(rspamd);
        String message = new String(SpamLearnIT.spam("browser-1"), java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n");
        b.findElement(By.id("spam-text")).sendKeys(message);
        b.findElement(By.id("spam-submit")).click();
        // click() returns before the answer page has loaded: wait for the outcome's element
        String done = new WebDriverWait(b, Duration.ofSeconds(20)).until(d -> {
            var ok = d.findElements(By.id("spam-done"));
            var err = d.findElements(By.id("spam-error"));
            return !ok.isEmpty() ? ok.get(0).getText() : !err.isEmpty() ? "ERROR " + err.get(0).getText() : null;
        });
        assertTrue(done.matches("Learned as spam by rspamd \\(\\d+ bytes\\)\\."), done);
        assertEquals(before + 1, SpamLearnIT.learned(rspamd), "rspamd's /stat learned count");
        try {
            throw new AssertionError("an alert fired: " + b.switchTo().alert().getText());
        } catch (NoAlertPresentException expected) {
            // good
        }
        Path shots = Path.of("target/console-screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("report-spam.png"), b.getScreenshotAs(OutputType.BYTES));

        ChromeDriver alice = login("alice", "alice-password");
        assertTrue(alice.findElements(By.id("nav-spam")).isEmpty(), "a domain admin has no Report spam link");
        alice.get(url("/spam"));
        assertTrue(alice.findElements(By.id("spam-form")).isEmpty(), "no form for a domain admin");
    }
}
