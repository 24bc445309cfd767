// What the console's tests (unit and IT) read from its pages and write for its logins: a hidden form
// field (the CSRF token), a cookie as the browser sends it back, and a users file with the three roles.
package org.mxfront.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for driving the console over HTTP in tests. */
public final class ConsoleForms {
    private ConsoleForms() {}

    /** The value of the hidden field {@code name} in a page (asserted present). */
    public static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no " + name + " in " + html);
        return m.group(1);
    }

    /** {@code name=value} of the cookie a response sets, null when it sets none of that name. */
    public static String cookie(HttpResponse<?> r, String name) {
        for (String c : r.headers().allValues("set-cookie")) if (c.startsWith(name + "=")) return c.substring(0, c.indexOf(';'));
        return null;
    }

    /** A users file with op (operator), alice (domain admin of example.com) and {@code user} (a user), passwords NAME-password. */
    public static Path writeUsers(Path file, String user) throws IOException {
        return Files.writeString(file, String.join("\n",
                "op operator - " + Passwords.hash("op-password".toCharArray()),
                "alice domain-admin example.com " + Passwords.hash("alice-password".toCharArray()),
                user + " user - " + Passwords.hash("bob-password".toCharArray()), ""));
    }
}
