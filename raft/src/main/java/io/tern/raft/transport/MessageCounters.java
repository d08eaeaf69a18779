package io.tern.raft.transport;

import java.util.concurrent.atomic.LongAdder;

/** Sent and dropped Raft messages to one peer; bumped from any thread without contention. */
final class MessageCounters {

    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    void sent() {
        sent.increment();
    }

    void dropped() {
        dropped.increment();
    }

    PeerStats snapshot() {
        return new PeerStats(sent.sum(), dropped.sum());
    }
}
