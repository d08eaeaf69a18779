package io.tern.raft.types;

/** A complete snapshot a member holds: the state up to and including one log entry. */
public interface StoredSnapshot {

    long lastIncludedIndex();

    long lastIncludedTerm();

    /** The configuration in force at {@link #lastIncludedIndex()}. */
    Membership membership();

    /** What streaming the snapshot sends, for logs. */
    long sizeBytes();
}
