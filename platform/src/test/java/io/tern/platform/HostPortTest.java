package io.tern.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:7379       | 127.0.0.1       | 7379  | 127.0.0.1:7379",
            "localhost:1          | localhost       | 1     | localhost:1",
            "db-1.example.com:65535 | db-1.example.com | 65535 | db-1.example.com:65535",
            "'  localhost:7379  ' | localhost       | 7379  | localhost:7379",
            "[::1]:2379           | ::1             | 2379  | [::1]:2379",
            "[fe80::1%eth0]:7379  | fe80::1%eth0    | 7379  | [fe80::1%eth0]:7379",
    })
    void parsesHostAndPort(String text, String host, int port, String printed) {
        HostPort parsed = HostPort.parse(text);
        assertEquals(new HostPort(host, port), parsed);
        assertEquals(printed, parsed.toString());
        assertEquals(parsed, HostPort.parse(parsed.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", ":7379", "localhost:", "::1:7379", "[::1]7379", "[::1]:",
            "[]:7379", "[::1:7379", "a b:1", "a,b:1", "a]b:1", "[a]b]:1"})
    void refusesWhatIsNotHostColonPort(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertEquals("an address must be HOST:PORT, was '" + text + "'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:x", "h:+1", "h:-1", "h:1.5"})
    void refusesAPortThatIsNotANumber(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertEquals("an address has a port that is not a number: '" + text + "'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:0", "localhost:65536", "[::1]:99999", "h:1234567890123"})
    void refusesAPortOutOfRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertEquals("an address has a port out of range (1..65535): '" + text + "'", e.getMessage());
    }

    @Test
    void namesWhatWasParsedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostPort.parse("nowhere", "--listen"));
        assertEquals("--listen must be HOST:PORT, was 'nowhere'", e.getMessage());
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
        assertFalse(nul.getMessage().contains("\n"));
    }

    @Test
    void givesAnUnresolvedSocketAddressSoEachConnectLooksTheNameUpAgain() {
        InetSocketAddress address = HostPort.parse("[::1]:2379").unresolved();
        assertTrue(address.isUnresolved());
        assertEquals("::1", address.getHostString());
        assertEquals(2379, address.getPort());
    }

    @Test
    void isValidAnswersWithoutThrowing() {
        assertTrue(HostPort.isValid("127.0.0.1:1"));
        assertFalse(HostPort.isValid("127.0.0.1"));
        assertFalse(HostPort.isValid(null));
    }
}
