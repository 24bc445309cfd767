// A POSTed console form, url-encoded or multipart (the explain and spam forms' message file),
// decoded once by the router (which checks its CSRF token) and handed to the page that acts on it;
// with the two small readers of request parameters the pages share.
package org.mxfront.console;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mxfront.metrics.HttpListener;

/** A POSTed form: url-encoded or multipart. */
final class Form {
    final Map<String, List<String>> values = new HashMap<>();
    final Map<String, byte[]> files = new HashMap<>();

    private Form() {}

    String value(String k) {
        return first(values, k);
    }

    byte[] file(String k) {
        return files.get(k);
    }

    /** Decodes the request's body; a malformed one is an IllegalArgumentException. */
    static Form of(HttpListener.Request r) throws IOException {
        Form f = new Form();
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, r.uri(),
                Unpooled.wrappedBuffer(r.body()));
        req.headers().set(r.headers());
        HttpPostRequestDecoder d = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), req, StandardCharsets.UTF_8);
        try {
            for (InterfaceHttpData data : d.getBodyHttpDatas()) {
                if (data instanceof FileUpload u) {
                    f.files.put(u.getName(), u.get());
                } else if (data instanceof Attribute a) {
                    f.values.computeIfAbsent(a.getName(), k -> new ArrayList<>()).add(a.getValue());
                }
            }
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw new IllegalArgumentException("malformed form: " + e.getMessage());
        } finally {
            d.destroy();
            req.release();
        }
        return f;
    }

    /** A parameter's first value, or null. */
    static String first(Map<String, List<String>> p, String k) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Each parameter's first value, without the CSRF token (to fill a form in again). */
    static Map<String, String> flat(Map<String, List<String>> p) {
        Map<String, String> out = new HashMap<>();
        p.forEach((k, v) -> { if (!v.isEmpty() && !k.equals("_csrf")) out.put(k, v.get(0)); });
        return out;
    }
}
