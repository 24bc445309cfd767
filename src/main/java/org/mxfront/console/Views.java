// Server-side HTML: Pebble templates under console/templates on the classpath, with HTML escaping
// on by default (everything from mail — addresses, HELO names, reply text — is shown as text).
package org.mxfront.console;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** The template engine. Thread-safe. */
final class Views {
    private final PebbleEngine engine;

    Views() {
        ClasspathLoader loader = new ClasspathLoader(Views.class.getClassLoader());
        loader.setPrefix("console/templates");
        loader.setSuffix(".peb");
        engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).defaultEscapingStrategy("html")
                .strictVariables(false).build();
    }

    String render(String template, Map<String, Object> model) {
        StringWriter w = new StringWriter();
        try {
            engine.getTemplate(template).evaluate(w, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
