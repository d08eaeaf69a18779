package io.tern.raft.transport;

/** The peer received a snapshot chunk and refused it; the message is the peer's reason. */
public final class SnapshotChunkRefusedException extends Exception {

    public SnapshotChunkRefusedException(String message) {
        super(message);
    }
}
