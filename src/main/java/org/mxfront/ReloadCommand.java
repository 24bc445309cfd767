// `mxfront reload`: asks a running daemon to re-read its configuration (POST /reload on its
// loopback admin endpoint), the same as SIGHUP or `systemctl reload mxfront`.
package org.mxfront;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reloads a running daemon's configuration. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make a running daemon re-read its configuration; exit 1 if it refused the file (it keeps the old one).")
final class ReloadCommand implements Callable<Integer> {
    @Option(names = "--server", defaultValue = "127.0.0.1:9725", description = "The daemon's metrics address (default: ${DEFAULT-VALUE}).")
    String server;

    @Override
    public Integer call() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + server + "/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        (r.statusCode() == 200 ? System.out : System.err).print(r.body());
        return r.statusCode() == 200 ? 0 : 1;
    }
}
