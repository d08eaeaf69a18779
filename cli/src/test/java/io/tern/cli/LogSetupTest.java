package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --log-level} and {@code --log-format}, applied to this JVM's Logback (restored after each test). */
class LogSetupTest {

    private static final Logger log = LoggerFactory.getLogger("io.tern.server.TernServer");
    private final PrintStream stderr = System.err;

    @AfterEach
    void restoreLogging() throws Exception {
        System.setErr(stderr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    private String logging(Runnable events) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            events.run();
        } finally {
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerLineWithTheFormattedMessage() throws Exception {
        String out = logging(() -> {
            LogSetup.apply(Level.INFO, LogSetup.format("json"));
            log.info("member {} became leader in term {}", 3, 7);
            log.warn("second \"quoted\" line");
            log.debug("not at INFO");
        });
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertEquals("INFO", first.get("level").asText());
        assertEquals("member 3 became leader in term 7", first.get("formattedMessage").asText(), first.toString());
        assertEquals("io.tern.server.TernServer", first.get("loggerName").asText());
        assertEquals("second \"quoted\" line", json.readTree(lines.get(1)).get("formattedMessage").asText());
    }

    @Test
    void theLevelIsTheRootLoggers() {
        String out = logging(() -> {
            LogSetup.apply(LogSetup.level("warn"), null);
            log.info("quiet");
            log.warn("loud");
        });
        assertFalse(out.contains("quiet"), out);
        assertTrue(out.contains("loud"), out);
    }
}
