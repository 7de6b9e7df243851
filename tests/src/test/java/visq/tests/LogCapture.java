package visq.tests;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log lines one logger writes while a test runs in this JVM, with their times: what an operator reads in the
 * node's log. Closing detaches it.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> source) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing what {@code source}'s logger writes. */
    static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    /** The captured lines that contain {@code text}, oldest first. */
    List<ILoggingEvent> containing(String text) {
        synchronized (appender) { // AppenderBase appends under the appender's lock
            return appender.list.stream().filter(event -> event.getFormattedMessage().contains(text)).toList();
        }
    }

    /** The captured lines that contain {@code text}, once there is one or {@code timeout} has passed (then none). */
    List<ILoggingEvent> awaitContaining(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ILoggingEvent> lines = containing(text);
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            lines = containing(text);
        }
        return lines;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
