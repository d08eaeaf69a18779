package io.tern.engine.state;

import io.tern.kv.Bytes;
import java.util.Arrays;

/**
 * What applying one log entry produced. A pure function of the state before the entry and the
 * entry itself, so every replica computes the same result. The revision of the result is the index
 * of its entry, which the caller already knows.
 */
public sealed interface CommandResult
        permits CommandResult.Written, CommandResult.Deleted, CommandResult.CasMismatch, CommandResult.NoResult {

    /** A put, a batch, or a compare-and-set whose expectation held (including one that deleted). */
    record Written() implements CommandResult {
    }

    /** A delete; {@code existed} tells whether the key was present before it. */
    record Deleted(boolean existed) implements CommandResult {
    }

    /**
     * A compare-and-set whose expectation did not hold; nothing was written.
     *
     * @param current the value the key holds, or {@code null} if it is absent
     */
    record CasMismatch(byte[] current) implements CommandResult {
        @Override
        public boolean equals(Object other) {
            return other instanceof CasMismatch that && Arrays.equals(current, that.current);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(current);
        }

        @Override
        public String toString() {
            return "CasMismatch[current=" + Bytes.show(current) + "]";
        }
    }

    /** A NOOP or CONFIG entry: it carried no client command, only advanced the applied index. */
    record NoResult() implements CommandResult {
    }
}
