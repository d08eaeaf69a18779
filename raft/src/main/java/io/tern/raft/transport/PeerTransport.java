package io.tern.raft.transport;

import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How a Raft node driver reaches the other members. Raft messages are fire-and-forget (Raft
 * retries what is lost); snapshot chunks are acknowledged one by one so that the driver streams a
 * snapshot no faster than the receiver installs it.
 */
public interface PeerTransport extends AutoCloseable {

    /** Begins accepting connections from peers and dispatching what arrives to {@code handler}. Call once. */
    void start(InboundHandler handler);

    /**
     * Sends {@code message} to the member {@code message.to()}. Never blocks: the message is dropped
     * (and counted) when that member is unknown, not connected, or its outbound buffer is full.
     *
     * @param ifNotSent run, on any thread, when the message is known never to have reached the member:
     *                  dropped here, or its write failed (a frame cut off by a broken connection is
     *                  never decoded). A message that left may still be lost, and then nothing is run:
     *                  a request whose loss matters tells "not sent" (safe to send another way) from
     *                  "not answered" (it may have been taken)
     */
    void send(Message message, Runnable ifNotSent);

    /** Sends {@code message} as {@link #send(Message, Runnable)}, for a message whose loss Raft repairs by itself. */
    default void send(Message message) {
        send(message, () -> {
        });
    }

    /**
     * Sends one piece of the snapshot at {@code snapshotIndex} to {@code peerId}. Waits (without
     * blocking the caller) for room in the peer's outbound buffer, so chunks are never dropped.
     *
     * @return completes when the peer acknowledged the chunk; fails with
     *         {@link SnapshotChunkRefusedException} if the peer refused it,
     *         {@link PeerConnectionLostException} if the connection broke first or the peer was
     *         removed, {@link java.util.concurrent.TimeoutException} if no answer came in time, and
     *         {@link IllegalArgumentException} for an unknown peer or a chunk too large for a frame
     */
    CompletableFuture<Void> sendSnapshotChunk(long peerId, long snapshotIndex, SnapshotChunk chunk);

    /**
     * Replaces the set of peers: connects (lazily) to new ones, drops removed ones and reconnects to
     * those whose address changed. Entries for this node's own id are ignored.
     */
    void updatePeers(Map<Long, InetSocketAddress> peers);

    /**
     * The peer protocol version that {@code peerId} said it speaks on its open connection to this
     * member, or 0 if it has none. A message of a newer version than this is not sent to it: an older
     * build refuses a message type it does not know, and closes the connection.
     */
    int peerVersion(long peerId);

    /** Closes every connection and stops the I/O threads, waiting a bounded time. */
    @Override
    void close();

    /** Where inbound traffic goes. Its methods are called on a network thread and must return quickly. */
    interface InboundHandler {

        /** A Raft message arrived; hand it to the driver's queue. */
        void onMessage(Message message);

        /**
         * A snapshot chunk arrived from {@code fromPeer}. The sender is told it was accepted when the
         * returned future completes normally, and refused (with the failure's message) otherwise.
         */
        CompletableFuture<Void> onSnapshotChunk(long fromPeer, long snapshotIndex, SnapshotChunk chunk);

        /**
         * This member's connection to {@code peerId} opened, so what is sent to it from now on may reach
         * it, while what was sent before was dropped. Called on each (re)connection, as soon as it is
         * made: before a TLS handshake ends and before the peer has accepted the hello, so a peer that
         * then refuses the connection may be reported more than once.
         */
        default void onPeerReachable(long peerId) {
        }
    }
}
