// Settings of the phishing check: the list files of known phishing addresses (ListFile format).
package org.mxfront.checks.phishing;

import java.util.List;

/**
 * @param files   list files: {@code user@dom} (that address), {@code @dom} (that domain), {@code dom} (it and its subdomains)
 * @param headers header fields whose addresses are checked too (default From and Reply-To)
 */
public record PhishingConfig(List<String> files, List<String> headers) {
    public PhishingConfig {
        files = files == null ? List.of() : List.copyOf(files);
        headers = headers == null ? List.of("From", "Reply-To") : List.copyOf(headers);
    }
}
