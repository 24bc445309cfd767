// Settings of the sender-blocklist check: list files of sender addresses and domains (ListFile format).
package org.mxfront.checks.senderblocklist;

import java.util.List;

/**
 * @param files list files: {@code user@dom} (that address), {@code @dom} (that domain), {@code dom} (it and its subdomains)
 */
public record SenderBlocklistConfig(List<String> files) {
    public SenderBlocklistConfig {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
