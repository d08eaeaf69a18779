package io.tern.client;

import io.tern.platform.HostPort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/** The endpoints a client is given, as a list or as {@code --endpoints} writes them (comma-separated). */
final class EndpointList {

    private EndpointList() {
    }

    /** Parses one endpoint, with a one-line message naming the text if it is not HOST:PORT. */
    static HostPort parse(String text) {
        return HostPort.parse(text, "an endpoint");
    }

    /** Parses every entry, dropping repeats and keeping the first occurrence's position. */
    static List<HostPort> parseAll(Collection<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("the endpoint list must not be null");
        }
        LinkedHashSet<HostPort> unique = new LinkedHashSet<>();
        for (String text : texts) {
            unique.add(parse(text));
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("the endpoint list is empty: give at least one HOST:PORT");
        }
        return List.copyOf(unique);
    }

    /** Splits a comma-separated list; blank entries (a trailing comma) are ignored. */
    static List<String> split(String commaSeparated) {
        if (commaSeparated == null) {
            throw new IllegalArgumentException("the endpoint list must not be null");
        }
        List<String> parts = new ArrayList<>();
        for (String part : commaSeparated.split(",", -1)) {
            if (!part.isBlank()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
