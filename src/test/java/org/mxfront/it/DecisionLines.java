// Captures the decision lines (logger "mxfront.decision") an in-process mxfront writes while a test
// runs, so that tests can assert a line's exact shape (docs/logging.md).
package org.mxfront.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

final class DecisionLines implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("mxfront.decision");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    DecisionLines() {
        appender.start();
        logger.addAppender(appender);
    }

    /** The lines so far that start with prefix. */
    List<String> startingWith(String prefix) {
        synchronized (appender.list) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith(prefix)).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
