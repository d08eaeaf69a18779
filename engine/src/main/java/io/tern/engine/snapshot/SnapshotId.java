package io.tern.engine.snapshot;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a snapshot by the last log entry it includes. Its directory name pads the index to 20
 * digits (the width of the largest long) so that directory names sort by index.
 *
 * @param index the last included log index
 * @param term the term of that entry
 */
public record SnapshotId(long index, long term) implements Comparable<SnapshotId> {

    private static final Pattern DIRECTORY_NAME = Pattern.compile("snap-(\\d{20})-(\\d{1,19})");

    public SnapshotId {
        if (index < 0) {
            throw new IllegalArgumentException("snapshot index must not be negative, was " + index);
        }
        if (term < 0) {
            throw new IllegalArgumentException("snapshot term must not be negative, was " + term);
        }
    }

    /** {@code snap-<20-digit zero-padded index>-<term>}. */
    public String directoryName() {
        return String.format(Locale.ROOT, "snap-%020d-%d", index, term);
    }

    /**
     * The id that a directory name spells, or empty if it is not a snapshot directory name.
     * Only the exact spelling {@link #directoryName()} produces is accepted, so that one snapshot
     * can never hide under two names (say, a term with a leading zero).
     */
    public static Optional<SnapshotId> parse(String directoryName) {
        Matcher matcher = DIRECTORY_NAME.matcher(directoryName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        SnapshotId id;
        try {
            id = new SnapshotId(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return id.directoryName().equals(directoryName) ? Optional.of(id) : Optional.empty();
    }

    /** Older snapshots first: by index, then by term. */
    @Override
    public int compareTo(SnapshotId other) {
        int byIndex = Long.compare(index, other.index);
        return byIndex != 0 ? byIndex : Long.compare(term, other.term);
    }

    @Override
    public String toString() {
        return directoryName();
    }
}
