package io.tern.platform;

import java.net.InetSocketAddress;

/**
 * A "host:port" address as Tern's flags, member lists and client endpoints write it: a host name
 * or IP literal (IPv6 in brackets, {@code [::1]:2379}) and a port in 1..65535.
 *
 * @param host the name or literal, without brackets
 */
public record HostPort(String host, int port) {

    private static final String DEFAULT_SUBJECT = "an address";

    /**
     * Parses {@code text}, trimmed.
     *
     * @throws IllegalArgumentException with a one-line message naming the text
     */
    public static HostPort parse(String text) {
        return parse(text, DEFAULT_SUBJECT);
    }

    /**
     * Parses {@code text}, trimmed; {@code subject} names it in the error ({@code "--listen"}).
     *
     * @throws IllegalArgumentException with a one-line message: "{@code <subject> must be HOST:PORT, was '...'}",
     *     "{@code <subject> has a port that is not a number: '...'}" or
     *     "{@code <subject> has a port out of range (1..65535): '...'}"
     */
    public static HostPort parse(String text, String subject) {
        if (text == null) {
            throw new IllegalArgumentException(subject + " must be HOST:PORT, was null");
        }
        String trimmed = text.strip();
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw notHostPort(text, subject);
            }
            host = trimmed.substring(1, close);
            port = trimmed.substring(close + 2);
            if (host.indexOf('[') >= 0) {
                throw notHostPort(text, subject);
            }
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                throw notHostPort(text, subject);
            }
            host = trimmed.substring(0, colon);
            port = trimmed.substring(colon + 1);
            // A bare IPv6 literal: which colon starts the port is a guess, so it must be bracketed.
            if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
                throw notHostPort(text, subject);
            }
        }
        if (host.isEmpty() || port.isEmpty() || host.indexOf(',') >= 0
                || host.chars().anyMatch(Character::isWhitespace)) {
            throw notHostPort(text, subject);
        }
        return new HostPort(host, parsePort(port, text, subject));
    }

    /** Whether {@link #parse(String)} would accept {@code text}. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An unresolved socket address: the name is looked up at each connect, so a node moved behind it is found. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** A socket address resolved now (to bind a listening socket). */
    public InetSocketAddress resolved() {
        return new InetSocketAddress(host, port);
    }

    /** The text {@link #parse(String)} reads back: IPv6 literals in brackets. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static int parsePort(String port, String text, String subject) {
        if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(subject + " has a port that is not a number: '" + text + "'");
        }
        int value = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException(subject + " has a port out of range (1..65535): '" + text + "'");
        }
        return value;
    }

    private static IllegalArgumentException notHostPort(String text, String subject) {
        return new IllegalArgumentException(subject + " must be HOST:PORT, was '" + text + "'");
    }
}
