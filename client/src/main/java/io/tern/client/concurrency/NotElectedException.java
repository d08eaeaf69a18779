package io.tern.client.concurrency;

/** A proclaim by a candidate that does not lead the election (etcd's {@code ErrElectionNotLeader}). */
public final class NotElectedException extends RuntimeException {

    public NotElectedException(String message) {
        super(message);
    }
}
