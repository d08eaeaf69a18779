package io.tern.cli;

import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * etcdctl's range options, shared by {@code tern get} and the {@code get} operations of
 * {@code tern txn}: {@code --prefix}, {@code --from-key}, {@code --rev}, {@code --limit},
 * {@code --keys-only}, {@code --count-only}, {@code --sort-by}, {@code --order}.
 */
public final class RangeFlags {

    @Option(names = "--prefix", description = "Every key that starts with KEY.")
    boolean prefix;

    @Option(names = "--from-key", description = "Every key from KEY on (in byte order).")
    boolean fromKey;

    @Option(names = "--rev", paramLabel = "R", description = "Read at revision R (0: the current one).")
    Long revision;

    @Option(names = "--limit", paramLabel = "N", description = "At most N keys (0: no limit).")
    Long limit;

    @Option(names = "--keys-only", description = "Keys and their metadata, without values.")
    boolean keysOnly;

    @Option(names = "--count-only", description = "Only how many keys there are.")
    boolean countOnly;

    @Option(names = "--sort-by", paramLabel = "TARGET", description = "Sort by KEY, VERSION, CREATE, MODIFY or VALUE.")
    String sortBy;

    @Option(names = "--order", paramLabel = "ORDER", description = "ASCEND or DESCEND (with or without --sort-by).")
    String order;

    /** Whether any of these options was given: {@code tern get} then speaks etcdctl's output. */
    boolean any() {
        return prefix || fromKey || revision != null || limit != null || keysOnly || countOnly || sortBy != null
                || order != null;
    }

    /**
     * The range these options ask for on {@code key} (and {@code end}, or {@code null}).
     *
     * @throws IllegalArgumentException with a one-line message when they do not fit together
     */
    RangeRequest toRequest(String key, String end) {
        if (revision != null && revision < 0) {
            throw new IllegalArgumentException("--rev must not be negative: " + revision);
        }
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("--limit must not be negative: " + limit);
        }
        KeyRange range = KeyRangeArguments.range(key, end, prefix, fromKey);
        return RangeRequest.of(range)
                .withLimit(limit == null ? 0 : limit)
                .atRevision(revision == null ? 0 : revision)
                .sortedBy(sortTarget(), sortOrder())
                .keysOnly(keysOnly)
                .countOnly(countOnly);
    }

    private SortTarget sortTarget() {
        if (sortBy == null) {
            return SortTarget.KEY;
        }
        return switch (sortBy.toUpperCase(Locale.ROOT)) {
            case "KEY" -> SortTarget.KEY;
            case "VERSION" -> SortTarget.VERSION;
            case "CREATE" -> SortTarget.CREATE;
            case "MODIFY" -> SortTarget.MOD;
            case "VALUE" -> SortTarget.VALUE;
            default -> throw new IllegalArgumentException("bad --sort-by " + sortBy
                    + " (KEY, VERSION, CREATE, MODIFY or VALUE)");
        };
    }

    /** As etcdctl: no order asked is NONE (key order; the server sorts other targets ascending). */
    private SortOrder sortOrder() {
        if (order == null) {
            return SortOrder.NONE;
        }
        return switch (order.toUpperCase(Locale.ROOT)) {
            case "ASCEND" -> SortOrder.ASCEND;
            case "DESCEND" -> SortOrder.DESCEND;
            default -> throw new IllegalArgumentException("bad --order " + order + " (ASCEND or DESCEND)");
        };
    }
}
