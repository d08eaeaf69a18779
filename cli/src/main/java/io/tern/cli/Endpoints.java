package io.tern.cli;

import io.tern.platform.HostPort;
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
        if (!HostPort.isValid(text)) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:7379)");
        }
        return text.trim();
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
