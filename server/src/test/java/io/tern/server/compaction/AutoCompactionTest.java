package io.tern.server.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The auto-compaction flags read as etcd reads them, and refused in one line naming the flag. */
class AutoCompactionTest {

    @Test
    void theDefaultsAreOff() {
        assertEquals(AutoCompaction.OFF, AutoCompaction.parse(AutoCompaction.DEFAULT_MODE, AutoCompaction.DEFAULT_RETENTION));
        assertEquals(AutoCompaction.OFF, AutoCompaction.parse("revision", "0"));
    }

    @Test
    void periodicReadsDurationsAndBareHours() {
        assertEquals(new AutoCompaction.Periodic(Duration.ofHours(1)), AutoCompaction.parse("periodic", "1"));
        assertEquals(new AutoCompaction.Periodic(Duration.ofMinutes(90)), AutoCompaction.parse("periodic", "1.5"));
        assertEquals(new AutoCompaction.Periodic(Duration.ofMinutes(30)), AutoCompaction.parse("periodic", "30m"));
        assertEquals(new AutoCompaction.Periodic(Duration.ofSeconds(5400)), AutoCompaction.parse("Periodic", "1h30m"));
        assertEquals(new AutoCompaction.Periodic(Duration.ofMillis(1500)), AutoCompaction.parse("periodic", "1.5s"));
        assertEquals(new AutoCompaction.Periodic(Duration.ofMillis(500)), AutoCompaction.parse("periodic", "500ms"));
        assertEquals(AutoCompaction.OFF, AutoCompaction.parse("periodic", "0s"));
    }

    @Test
    void revisionReadsACount() {
        assertEquals(new AutoCompaction.Revisions(1000), AutoCompaction.parse("revision", "1000"));
    }

    @Test
    void badValuesGetOneLineNamingTheFlag() {
        assertRefused("hourly", "1", "--auto-compaction-mode must be periodic or revision, was 'hourly'");
        assertRefused("periodic", "1d", "--auto-compaction-retention in periodic mode must be a duration");
        assertRefused("periodic", "-1h", "--auto-compaction-retention in periodic mode must be a duration");
        assertRefused("periodic", "", "--auto-compaction-retention in periodic mode must be a duration");
        assertRefused("periodic", "1h x", "--auto-compaction-retention in periodic mode must be a duration");
        assertRefused("periodic", "1000000h", "must be at most 100 years");
        assertRefused("periodic", "800000h800000h", "must be at most 100 years");
        assertRefused("revision", "1h", "--auto-compaction-retention in revision mode must be a whole number");
        assertRefused("revision", "-5", "--auto-compaction-retention must not be negative");
    }

    private static void assertRefused(String mode, String retention, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> AutoCompaction.parse(mode, retention))
                .getMessage();
        assertTrue(message.contains(expected), "'" + message + "' should say '" + expected + "'");
        assertEquals(1, message.lines().count(), message);
    }
}
