package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:7379", "localhost:1", "db-1.example.com:65535", "[::1]:7379"})
    void acceptsHostAndPort(String endpoint) {
        assertEquals(endpoint, Endpoints.check(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", ":7379", "localhost:", "localhost:0", "localhost:65536", "localhost:x",
            "::1:7379", "[]:7379", "a b:1", "h:+1"})
    void refusesAnythingElse(String endpoint) {
        assertThrows(IllegalArgumentException.class, () -> Endpoints.check(endpoint));
    }
}
