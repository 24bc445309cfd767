// The `policy-store:` section of mxfront.yml, bound by the config loader. The database password
// never appears here: it comes from a file or an environment variable.
package org.mxfront.store;

import java.time.Duration;

/**
 * @param enabled        whether the daemon uses a policy store (domains and lists from a database)
 * @param url            empty for the embedded H2 file under state-directory; {@code postgresql://HOST:PORT/DB}
 *                       (query parameters such as {@code sslmode=verify-full} are passed to the driver) or a
 *                       {@code jdbc:} URL
 * @param user           the database user
 * @param passwordFile   a file holding the password (first line)
 * @param passwordEnv    an environment variable holding the password
 * @param pollInterval   how often the change sequence is read (changes reach every host within about this)
 * @param connectTimeout how long a connection attempt or a query may take before the store counts as down
 * @param poolSize       connections held open
 */
public record StoreSettings(Boolean enabled, String url, String user, String passwordFile, String passwordEnv,
        Duration pollInterval, Duration connectTimeout, Integer poolSize) {}
