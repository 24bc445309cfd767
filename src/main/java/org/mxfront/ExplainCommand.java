// `mxfront explain`: the dry-run of the policy for a made-up transaction, locally from a config
// file (DNS and stores included, nothing relayed) or against a running daemon (--server).
package org.mxfront;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mxfront.config.ConfigException;
import org.mxfront.config.ConfigLoader;
import org.mxfront.config.DaemonConfig;
import org.mxfront.explain.Explainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Explains what the policy would do with a transaction. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Run the full policy for a transaction (nothing is relayed) and print each check's finding and the final reply.")
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--client-ip", required = true, description = "The client's address.")
    String clientIp;

    @Option(names = "--helo", description = "The HELO/EHLO name (none: no HELO).")
    String helo;

    @Option(names = "--from", defaultValue = "", description = "Envelope sender (default: the null sender).")
    String from;

    @Option(names = "--rcpt", required = true, description = "Recipient (repeatable).")
    List<String> rcpt = new ArrayList<>();

    @Option(names = "--message", description = "A message file (.eml) to run the DATA checks on.")
    Path message;

    @Option(names = {"-c", "--config"}, description = "Configuration file (default: the embedded defaults).")
    Path config;

    @Option(names = "--server", description = "Ask a running daemon instead, at its metrics address (e.g. 127.0.0.1:9725).")
    String server;

    @Override
    public Integer call() throws Exception {
        byte[] body = message == null ? null : Files.readAllBytes(message);
        if (server != null) return remote(body);
        DaemonConfig c;
        try {
            c = new ConfigLoader(Doors.ALL).load(config, new SimpleMeterRegistry());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (!clientIp.matches("[0-9a-fA-F:.]+")) {
            System.err.println("--client-ip must be an IP address");
            return 2;
        }
        System.out.print(Explainer.explain(c.engine(), new Explainer.Request(InetAddress.getByName(clientIp), helo, from,
                rcpt, body), Doors.enhancedStatusCodes(c)));
        return 0;
    }

    private int remote(byte[] body) throws Exception {
        StringBuilder q = new StringBuilder("client-ip=").append(enc(clientIp)).append("&from=").append(enc(from));
        if (helo != null) q.append("&helo=").append(enc(helo));
        for (String r : rcpt) q.append("&rcpt=").append(enc(r));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server + "/explain?" + q));
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        (r.statusCode() == 200 ? System.out : System.err).print(r.body());
        return r.statusCode() == 200 ? 0 : 1;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
