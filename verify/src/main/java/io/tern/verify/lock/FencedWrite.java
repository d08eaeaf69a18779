package io.tern.verify.lock;

import java.util.Objects;

/**
 * A write a lock holder made under the lock's fence (a txn that writes only while the holder's lock
 * key still has the create revision it acquired with), and that the cluster acknowledged.
 *
 * @param lockRevision the create revision of the holder's lock key: its place in the lock's queue
 * @param writeRevision the revision the write was applied at
 */
public record FencedWrite(String holder, long lockRevision, long writeRevision) {

    public FencedWrite {
        Objects.requireNonNull(holder, "holder");
    }
}
