package io.tern.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level} and {@code --log-format}: set on Logback's context when the server starts, over
 * what {@link DefaultLogging} (or a Logback file) configured. The level is the root logger's (loggers
 * quieted on purpose, such as Chronicle's, stay quiet); the JSON format is Logback's own {@link JsonEncoder}, one
 * object per line on stderr, with the message formatted.
 */
final class LogSetup {

    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    enum Format {
        TEXT, JSON
    }

    private LogSetup() {
    }

    /** @throws IllegalArgumentException (one line) if {@code text} is not a level */
    static Level level(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new IllegalArgumentException("--log-level must be one of " + String.join(", ", LEVELS) + ", was '"
                    + text + "'");
        }
        return Level.toLevel(upper);
    }

    /** @throws IllegalArgumentException (one line) if {@code text} is not text or json */
    static Format format(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw new IllegalArgumentException("--log-format must be text or json, was '" + text + "'");
        };
    }

    /** Applies what was asked; {@code null} leaves that part as the configuration file set it. */
    static void apply(Level level, Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // not Logback (an embedding application's choice): nothing of ours to set
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (level != null) {
            root.setLevel(level);
        }
        if (format == Format.JSON) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithFormattedMessage(true);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithContext(false);
            encoder.start();
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setContext(context);
            stderr.setName("STDERR_JSON");
            stderr.setTarget("System.err");
            stderr.setEncoder(encoder);
            stderr.start();
            root.detachAndStopAllAppenders();
            root.addAppender(stderr);
        }
    }
}
