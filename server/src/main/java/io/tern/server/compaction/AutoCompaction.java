package io.tern.server.compaction;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much history the leader keeps before it compacts the rest by itself: etcd's
 * {@code --auto-compaction-mode} and {@code --auto-compaction-retention}, off by default.
 */
public sealed interface AutoCompaction {

    /** Never compacts by itself: history is dropped only by a client's COMPACT. */
    AutoCompaction OFF = new Off();

    /** The flags' defaults, as etcd's: periodic mode, retention 0 (off). */
    String DEFAULT_MODE = "periodic";
    String DEFAULT_RETENTION = "0";

    /** Automatic compaction is off. */
    record Off() implements AutoCompaction {
    }

    /** Keeps at least {@code retention} of history: compacts to the revision this leader saw that long ago. */
    record Periodic(Duration retention) implements AutoCompaction {
        public Periodic {
            if (retention.isNegative() || retention.isZero() || retention.compareTo(MAX_PERIODIC_RETENTION) > 0) {
                throw new IllegalArgumentException("a periodic retention must be positive and at most 100 years, was "
                        + retention);
            }
        }
    }

    /**
     * Keeps the last {@code revisions} revisions: compacts to the current revision minus that many.
     * Revisions are Raft log indexes, so these span at most that many writes, fewer when other entries
     * (leases, membership, compactions) took indexes among them.
     */
    record Revisions(long revisions) implements AutoCompaction {
        public Revisions {
            if (revisions < 1) {
                throw new IllegalArgumentException("a revision retention must be at least 1, was " + revisions);
            }
        }
    }

    /** The longest periodic retention: a century, so that the leader's nanosecond clock arithmetic cannot overflow. */
    Duration MAX_PERIODIC_RETENTION = Duration.ofDays(36_525);

    /** One or more number-and-unit parts, as Go's durations: {@code 1h}, {@code 30m}, {@code 1h30m}, {@code 1.5s}, {@code 500ms}. */
    Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    /**
     * Reads the two flags as etcd does: for {@code revision} a whole number of revisions; for
     * {@code periodic} a duration, or a bare number of hours. A retention of 0 turns it off.
     *
     * @throws IllegalArgumentException with a one-line message naming the flag
     */
    static AutoCompaction parse(String mode, String retention) {
        String text = retention.strip();
        switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "revision" -> {
                long revisions;
                try {
                    revisions = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--auto-compaction-retention in revision mode must be a whole "
                            + "number of revisions, was '" + retention + "'");
                }
                if (revisions < 0) {
                    throw new IllegalArgumentException("--auto-compaction-retention must not be negative, was " + revisions);
                }
                return revisions == 0 ? OFF : new Revisions(revisions);
            }
            case "periodic" -> {
                Duration period = periodOf(text, retention);
                return period.isZero() ? OFF : new Periodic(period);
            }
            default -> throw new IllegalArgumentException("--auto-compaction-mode must be periodic or revision, was '"
                    + mode + "'");
        }
    }

    private static Duration periodOf(String text, String flag) {
        if (text.matches("\\d+(\\.\\d+)?")) {
            return nanos(text, 3_600_000_000_000L, flag); // a bare number is hours, as etcd reads it
        }
        Matcher part = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (!text.isEmpty() && part.find() && part.start() == end) {
            long unit = switch (part.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L;
            };
            total = total.plus(nanos(part.group(1), unit, flag));
            end = part.end();
        }
        if (text.isEmpty() || end != text.length()) {
            throw new IllegalArgumentException("--auto-compaction-retention in periodic mode must be a duration such as "
                    + "1h, 30m or 90s, or a number of hours, was '" + flag + "'");
        }
        if (total.compareTo(MAX_PERIODIC_RETENTION) > 0) {
            throw tooLong(flag);
        }
        return total;
    }

    /** A part's nanoseconds, exactly (1.5s is 1,500,000,000 ns; fractions of a nanosecond are dropped). */
    private static Duration nanos(String number, long unitNanos, String flag) {
        BigDecimal value = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
        if (value.compareTo(BigDecimal.valueOf(MAX_PERIODIC_RETENTION.toNanos())) > 0) {
            throw tooLong(flag);
        }
        return Duration.ofNanos(value.longValue());
    }

    private static IllegalArgumentException tooLong(String flag) {
        return new IllegalArgumentException("--auto-compaction-retention must be at most 100 years (876600h), was '"
                + flag + "'");
    }
}
