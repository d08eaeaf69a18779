package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.HardState;
import io.tern.raft.core.Message;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.log.ReplicatedLog;
import io.tern.raft.sim.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever a leader accepts, its AppendEntries fits one peer frame. */
class FrameLimitsTest {

    private static final Membership ONE = new Membership(List.of(new Member(1, "a", true)));

    @Test
    void theLargestEntryALeaderAcceptsCrossesTheWire() {
        assertEquals(RaftConfig.MAX_ENTRY_BYTES, RaftConfig.defaults(1).maxEntryBytes(),
                "the default is the most any configuration may accept");
        // Every number at a value whose varint takes its longest (9 bytes), so nothing encodes larger.
        long big = Long.MAX_VALUE;
        Message append = new Message.AppendEntries(big, big, big, big, big,
                List.of(new LogEntry(big, big, EntryKind.COMMAND, new byte[RaftConfig.MAX_ENTRY_BYTES])), big);
        long size = roundTrip(append);
        assertTrue(size <= FrameLimits.MAX_BODY_BYTES, () -> size + " bytes");
        // Tight but for the entry count, whose bound takes 4 varint bytes where one entry needs 1.
        assertEquals(FrameLimits.MAX_BODY_BYTES - 3, size);
    }

    @Test
    void theCoreCountsEachEntryAtLeastAsMuchAsItsEncodingCosts() {
        assertTrue(RaftConfig.BYTES_COUNTED_PER_ENTRY >= RaftMessageCodec.MAX_ENTRY_OVERHEAD_BYTES);
    }

    @Test
    void theBoundsHoldForEveryVarintLength() {
        for (long value : new long[] {0, 1, 127, 128, 1L << 35, Long.MAX_VALUE, -1}) {
            LogEntry entry = new LogEntry(Math.max(1, value & Long.MAX_VALUE), value & Long.MAX_VALUE,
                    EntryKind.COMMAND, new byte[300]);
            Message append = new Message.AppendEntries(value, value, value, value, value, List.of(entry, entry), value);
            assertTrue(RaftMessageCodec.encodedSize(append) <= RaftMessageCodec.MAX_APPEND_ENTRIES_OVERHEAD_BYTES
                    + 2 * (RaftMessageCodec.MAX_ENTRY_OVERHEAD_BYTES + 300L), () -> "with " + value);
        }
    }

    @Test
    void aBatchOfEmptyEntriesUnderTheLargestAppendBudgetCrossesTheWire() {
        // The worst case for a batch: entries with nothing but their fixed part, as many as the budget allows.
        int count = RaftConfig.MAX_ENTRY_BYTES / RaftConfig.BYTES_COUNTED_PER_ENTRY + 10;
        List<LogEntry> noops = new ArrayList<>(count);
        for (long index = 1; index <= count; index++) {
            noops.add(LogEntry.noop(index, 1));
        }
        ReplicatedLog log = new ReplicatedLog(new MemoryStorage(ONE, HardState.INITIAL, noops), 0);
        List<LogEntry> batch = log.entries(1, count + 1, RaftConfig.MAX_ENTRY_BYTES);
        assertEquals(RaftConfig.MAX_ENTRY_BYTES / RaftConfig.BYTES_COUNTED_PER_ENTRY, batch.size());
        long size = roundTrip(new Message.AppendEntries(1, 2, 1, 0, 0, batch, 0));
        assertTrue(size <= FrameLimits.MAX_BODY_BYTES, () -> size + " bytes");
    }

    /** Encodes {@code message} as a peer frame, decodes it back, and returns the body's size. */
    private static long roundTrip(Message message) {
        PeerFrame frame = new PeerFrame.RaftMessage(message);
        ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder());
        receiver.writeInbound(encoded);
        ByteBuf body = receiver.readInbound();
        try {
            long size = body.readableBytes();
            assertEquals(frame, PeerFrame.decode(body));
            return size;
        } finally {
            body.release();
            receiver.finishAndReleaseAll();
        }
    }
}
