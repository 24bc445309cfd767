// Switches logback to JSON lines (logging.format: json) after the configuration is read; the
// default text format comes from logback.xml.
package org.mxfront;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Log output format switch. */
final class LogFormat {
    private LogFormat() {}

    /** Replaces the root logger's appenders with one writing JSON lines to stderr. */
    static void json() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setTarget("System.err");
        out.setEncoder(encoder);
        out.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(out);
    }
}
