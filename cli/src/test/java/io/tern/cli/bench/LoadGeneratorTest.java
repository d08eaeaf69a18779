package io.tern.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static String key(long n, int width) {
        return new String(LoadGenerator.key(n, width), StandardCharsets.US_ASCII);
    }

    @Test
    void keysAreZeroPaddedDecimals() {
        assertEquals("00000042", key(42, 8));
        assertEquals("00000000", key(0, 8));
        assertEquals("99999", key(99_999, 5));
        assertEquals("0000000000000123456", key(123_456, 19));
    }
}
