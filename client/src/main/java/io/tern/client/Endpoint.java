package io.tern.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The address of a Tern node as the user wrote it: a host name or IP literal and a port. It stays
 * unresolved, so that each new connection looks the name up again (a node moved behind its name is
 * found).
 */
record Endpoint(String host, int port) {

    /**
     * Parses {@code "host:port"}; an IPv6 literal is written in brackets ({@code "[::1]:7379"}).
     *
     * @throws IllegalArgumentException with a one-line message naming the text
     */
    static Endpoint parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an endpoint must not be null");
        }
        String trimmed = text.strip();
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw malformed(text);
            }
            host = trimmed.substring(1, close);
            port = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                throw malformed(text);
            }
            host = trimmed.substring(0, colon);
            port = trimmed.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw malformed(text); // a bare IPv6 literal: which colon starts the port is ambiguous
            }
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw malformed(text);
        }
        return new Endpoint(host, parsePort(port, text));
    }

    /** Parses every entry, dropping repeats and keeping the first occurrence's position. */
    static List<Endpoint> parseAll(Collection<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("the endpoint list must not be null");
        }
        LinkedHashSet<Endpoint> unique = new LinkedHashSet<>();
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

    /** An unresolved socket address: Netty resolves it at each connect. */
    InetSocketAddress socketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static int parsePort(String port, String text) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed(text);
        }
        int value = Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("malformed endpoint '" + text + "': port " + value
                    + " is not in 1..65535");
        }
        return value;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("malformed endpoint '" + text + "': expected HOST:PORT");
    }
}
