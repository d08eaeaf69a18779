package io.tern.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as a person types them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or plain seconds ({@code 1.5}). */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private Durations() {
    }

    /**
     * Parses {@code text}; a number without a unit is seconds.
     *
     * @throws IllegalArgumentException with a message meant for the user when the text is not a duration
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 500ms, 30s, 2m, 1h or a number of seconds");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal nanos = switch (unit) {
            case "ms" -> amount.multiply(NANOS_PER_MILLI);
            case "s" -> amount.multiply(NANOS_PER_SECOND);
            case "m" -> amount.multiply(NANOS_PER_SECOND).multiply(BigDecimal.valueOf(60));
            case "h" -> amount.multiply(NANOS_PER_SECOND).multiply(BigDecimal.valueOf(3600));
            default -> throw new AssertionError(unit);
        };
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** The shortest of the units above that shows {@code d} exactly, e.g. {@code 1.5s} or {@code 250ms}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            long seconds = nanos / 1_000_000_000L;
            if (seconds != 0 && seconds % 3600 == 0) {
                return seconds / 3600 + "h";
            }
            if (seconds != 0 && seconds % 60 == 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return BigDecimal.valueOf(nanos).divide(NANOS_PER_SECOND).stripTrailingZeros().toPlainString() + "s";
    }

    /** The picocli converter of options that take a duration. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
