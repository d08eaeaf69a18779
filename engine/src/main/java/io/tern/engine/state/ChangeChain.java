package io.tern.engine.state;

import java.nio.ByteBuffer;

/**
 * Where a key's changes are, so that history can be walked back from its current record without a
 * per-key index.
 *
 * <p>A key's changes are numbered 1, 2, 3, ... (across deletes and re-creations, for as long as its
 * history is kept). The event of change {@code m} links to change {@code m - 1}, its previous, and
 * to change {@code m & (m - 1)} ({@code m} with its lowest set bit cleared), its jump. To find the
 * newest change at or before a revision R, a walk from the newest change takes the jump whenever the
 * jump's revision is still above R and the previous otherwise, as a Fenwick tree is searched: about
 * log² m events for a key with m changes, where following previous links alone would read every
 * change since R.
 *
 * <p>A change's links must be known when it is written, without reading older events. The current
 * record therefore carries this chain: the count {@code n} of changes and the positions (revision,
 * sub) of changes {@code n}, {@code n & (n - 1)}, and so on while not zero ({@code popcount(n)}
 * positions); the jump of change {@code n + 1} is always among them.
 */
final class ChangeChain {

    static final int POSITION_BYTES = 12;

    /** A change's links: the key's previous change and its jump; revision 0 where there is none. */
    record Links(long previousRevision, int previousSub, long jumpRevision, int jumpSub) {

        static final int BYTES = 2 * POSITION_BYTES;

        void encode(ByteBuffer out) {
            out.putLong(previousRevision).putInt(previousSub).putLong(jumpRevision).putInt(jumpSub);
        }

        static Links decode(ByteBuffer in) {
            return new Links(in.getLong(), in.getInt(), in.getLong(), in.getInt());
        }

        boolean hasPrevious() {
            return previousRevision != 0;
        }

        boolean hasJump() {
            return jumpRevision != 0;
        }
    }

    /** Where one change is: its revision and sub-revision, which are also its event's key. */
    record Position(long revision, int sub) {
    }

    /** A chain grown by one change, and the links that change's event carries. */
    record Step(ChangeChain chain, Links links) {
    }

    private static final Links NONE = new Links(0, 0, 0, 0);

    private final long changes;
    /** Positions of changes n, n & (n - 1), ...: [0] is the newest change's. */
    private final long[] revisions;
    private final int[] subs;

    private ChangeChain(long changes, long[] revisions, int[] subs) {
        this.changes = changes;
        this.revisions = revisions;
        this.subs = subs;
    }

    /** The chain of a key whose history starts with the change at {@code (revision, sub)}. */
    static Step first(long revision, int sub) {
        return new Step(new ChangeChain(1, new long[] {revision}, new int[] {sub}), NONE);
    }

    /** The chain after one more change, at {@code (revision, sub)}. */
    Step next(long revision, int sub) {
        long next = changes + 1;
        long jump = next & changes;
        int at = 0;
        for (long count = changes; count != jump; count &= count - 1) {
            at++;
        }
        Links links = at < revisions.length
                ? new Links(revisions[0], subs[0], revisions[at], subs[at])
                : new Links(revisions[0], subs[0], 0, 0);
        int kept = revisions.length - at;
        long[] nextRevisions = new long[1 + kept];
        int[] nextSubs = new int[1 + kept];
        nextRevisions[0] = revision;
        nextSubs[0] = sub;
        System.arraycopy(revisions, at, nextRevisions, 1, kept);
        System.arraycopy(subs, at, nextSubs, 1, kept);
        return new Step(new ChangeChain(next, nextRevisions, nextSubs), links);
    }

    long changes() {
        return changes;
    }

    long newestRevision() {
        return revisions[0];
    }

    int encodedLength() {
        return encodedLength(changes);
    }

    /** The bytes of a chain of {@code changes} changes. */
    static int encodedLength(long changes) {
        return 8 + Long.bitCount(changes) * POSITION_BYTES;
    }

    void encode(ByteBuffer out) {
        out.putLong(changes);
        for (int i = 0; i < revisions.length; i++) {
            out.putLong(revisions[i]).putInt(subs[i]);
        }
    }

    static ChangeChain decode(ByteBuffer in) {
        long changes = in.getLong();
        if (changes <= 0) {
            throw new IllegalStateException("a current record's chain counts " + changes + " changes");
        }
        int count = Long.bitCount(changes);
        long[] revisions = new long[count];
        int[] subs = new int[count];
        for (int i = 0; i < count; i++) {
            revisions[i] = in.getLong();
            subs[i] = in.getInt();
        }
        return new ChangeChain(changes, revisions, subs);
    }
}
