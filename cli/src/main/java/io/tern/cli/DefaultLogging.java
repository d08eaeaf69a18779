package io.tern.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Tern's logging unless a Logback file is given: lines on stderr, INFO and up, Chronicle quieted to
 * warnings and jetcd to errors ({@code tern bench} counts the retries jetcd gives up on). Set in code,
 * found by Logback through {@code META-INF/services}, because reading the same from a
 * {@code logback.xml} took 0.1-0.15 s of CPU at every start, most of it the JDK's XML parser; three
 * members starting together on two cores wait for each other's CPU. A file named by
 * {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} or {@code logback.xml} put on the
 * classpath, still wins.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader classes = getClass().getClassLoader();
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || classes.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || classes.getResource(ClassicConstants.AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("net.openhft").setLevel(Level.WARN);
        context.getLogger("io.etcd.jetcd").setLevel(Level.ERROR);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
    }
}
