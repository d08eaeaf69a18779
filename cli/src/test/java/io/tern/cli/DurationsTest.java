package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "2m, PT2M", "500ms, PT0.5S", "1h, PT1H", "30, PT30S", "1.5, PT1.5S", "0.25s, PT0.25S",
            "0s, PT0S", "' 5s ', PT5S", "1.5ms, PT0.0015S"})
    void parsesWhatAPersonTypes(String text, String expected) {
        assertEquals(Duration.parse(expected), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-1s", "5 s", "1d", "1e3", "abc", "1.s", "99999999999999h"})
    void refusesAnythingElseWithAMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals(true, e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"PT30S, 30s", "PT2M, 2m", "PT1H, 1h", "PT0.5S, 500ms", "PT0S, 0s", "PT90S, 90s", "PT0.0015S, 0.0015s"})
    void formatsInTheShortestExactUnit(String duration, String expected) {
        assertEquals(expected, Durations.format(Duration.parse(duration)));
    }
}
