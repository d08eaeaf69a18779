package io.tern.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks a {@code HOST:PORT} argument ({@code [v6]:PORT} for an IPv6 literal) before any connection is tried. */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * Returns {@code text} trimmed if it is a host and a port in 1..65535.
     *
     * @throws IllegalArgumentException with a message meant for the user otherwise
     */
    public static String check(String text) {
        String endpoint = text.trim();
        int colon = endpoint.lastIndexOf(':');
        String host = colon < 0 ? "" : endpoint.substring(0, colon);
        String port = colon < 0 ? "" : endpoint.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        boolean hostOk = !host.isEmpty() && (bracketed || host.chars().noneMatch(c -> c == ':' || c == '[' || c == ']'))
                && !host.contains(",")
                && host.chars().noneMatch(Character::isWhitespace);
        if (!hostOk || !validPort(port)) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:7379)");
        }
        return endpoint;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    /** The picocli converter of {@code HOST:PORT} arguments. */
    public static final class Converter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return check(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
