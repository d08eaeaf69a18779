package io.tern.raft.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The peer protocol version each member said it speaks in the hello of its open inbound connection.
 * A member whose connection closed is unknown again (version 0) until it says hello anew, so a member
 * restarted on an older build is not sent a newer message in the meantime.
 */
public final class PeerVersions {

    private record Speaker(Object connection, int version) {
    }

    private final Map<Long, Speaker> byMember = new ConcurrentHashMap<>();
    private final LongConsumer onHello;

    public PeerVersions() {
        this(member -> {
        });
    }

    /** @param onHello told (on a network thread) of each member that says hello: it is up */
    PeerVersions(LongConsumer onHello) {
        this.onHello = onHello;
    }

    /** {@code member} said hello on {@code connection}, speaking {@code version}. */
    void connected(long member, Object connection, int version) {
        byMember.put(member, new Speaker(connection, version));
        onHello.accept(member);
    }

    /** {@code connection} closed; a newer connection of the same member keeps what it said. */
    void disconnected(long member, Object connection) {
        byMember.computeIfPresent(member, (id, speaker) -> speaker.connection() == connection ? null : speaker);
    }

    /** What {@code member} speaks, or 0 while no connection of its is open. */
    public int of(long member) {
        Speaker speaker = byMember.get(member);
        return speaker == null ? 0 : speaker.version();
    }
}
