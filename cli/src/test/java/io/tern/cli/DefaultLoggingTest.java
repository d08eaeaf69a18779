package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Tern's logging set in code: what the removed logback.xml said, and a Logback file still wins. */
class DefaultLoggingTest {

    @Test
    void linesGoToStderrAtInfoWithChronicleAndJetcdQuieted() {
        LoggerContext context = new LoggerContext();
        DefaultLogging.apply(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("net.openhft.chronicle.queue").getEffectiveLevel());
        assertEquals(Level.ERROR, context.getLogger("io.etcd.jetcd.ClientConnectionManager").getEffectiveLevel());
        assertEquals(Level.INFO, context.getLogger("io.tern.server.TernServer").getEffectiveLevel());
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
        assertEquals(DefaultLogging.PATTERN, ((PatternLayoutEncoder) stderr.getEncoder()).getPattern());
    }

    @Test
    void logbackFindsItAndLeavesTheConfigurationToALogbackTestFileOnTheClasspath() {
        boolean found = ServiceLoader.load(Configurator.class).stream()
                .anyMatch(provider -> provider.type() == DefaultLogging.class);
        assertTrue(found, "registered in META-INF/services");
        // This module's tests have a logback-test.xml, which must win over the defaults.
        LoggerContext context = new LoggerContext();
        DefaultLogging configurator = new DefaultLogging();
        configurator.setContext(context);
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }
}
