package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tern.raft.types.EntryKind;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Frame bodies whose lengths and counts claim far more than they hold are refused with a
 * {@link MalformedFrameException} before anything is allocated for the claim: measured with the
 * thread's allocation counter, so an allocation that happens to fit the heap fails the test too.
 */
class HostileLengthsTest {

    /** Far below any claim here (2 GiB, or 4 billion entries) and above a decode's own garbage. */
    private static final long ALLOWED_ALLOCATION = 256 * 1024;

    private static final int APPEND_ENTRIES_ID = 20;

    @Test
    void aHugeEntryCount() {
        assertRefusedCheaply("entry count 4294967295", raftMessage(APPEND_ENTRIES_ID, fields -> {
            appendEntriesHeader(fields);
            fields.writeVarInt(0xFFFF_FFFF, true);
        }));
    }

    @Test
    void anEntryCountThatWouldFitTheHeap() {
        assertRefusedCheaply("entry count 10000000", raftMessage(APPEND_ENTRIES_ID, fields -> {
            appendEntriesHeader(fields);
            fields.writeVarInt(10_000_000, true);
        }));
    }

    @Test
    void aHugeEntryPayload() {
        assertRefusedCheaply("entry payload length 2147483647", raftMessage(APPEND_ENTRIES_ID, fields -> {
            appendEntriesHeader(fields);
            fields.writeVarInt(1, true);
            byte[] entry = object(e -> {
                e.writeVarLong(1, true);
                e.writeVarLong(1, true);
                e.writeByte(EntryKind.COMMAND.code());
                e.writeVarInt(Integer.MAX_VALUE, true);
            });
            fields.writeBytes(entry);
        }));
    }

    @Test
    void aHugeObjectLength() {
        Output claim = new Output(16, -1);
        claim.writeVarInt(APPEND_ENTRIES_ID, true);
        claim.writeVarInt(Integer.MAX_VALUE, true);
        assertRefusedCheaply("claim 2147483647 bytes", body(PeerOpcodes.RAFT_MESSAGE, claim.toBytes()));
    }

    @Test
    void aHugeClusterId() {
        assertRefusedCheaply("clusterId length 2147483647", body(PeerOpcodes.PEER_HELLO, object(fields -> {
            fields.writeVarLong(1, true);
            fields.writeVarInt(Integer.MAX_VALUE, true);
        })));
    }

    @Test
    void aHugeErrorText() {
        assertRefusedCheaply("error length 2147483647", body(PeerOpcodes.SNAPSHOT_CHUNK_ACK, object(fields -> {
            fields.writeBoolean(false);
            fields.writeVarInt(Integer.MAX_VALUE, true);
        })));
    }

    @Test
    void aPeerThatSendsOneIsDisconnected() {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerChannelHandler("c1", new RecordingInbound(), new PeerVersions()));
        channel.writeInbound(FrameEncoder.encode(channel.alloc(), new PeerFrame.Hello(3, "c1"))
                .skipBytes(FrameLimits.LENGTH_PREFIX_BYTES));
        channel.writeInbound(raftMessage(APPEND_ENTRIES_ID, fields -> {
            appendEntriesHeader(fields);
            fields.writeVarInt(0xFFFF_FFFF, true);
        }));
        assertTrue(!channel.isActive());
    }

    /** Refused from a heap buffer (read in place) and from a direct one (copied into the decoder's array first). */
    private static void assertRefusedCheaply(String expected, ByteBuf heapBody) {
        ByteBuf directBody = Unpooled.directBuffer(heapBody.readableBytes()).writeBytes(heapBody.duplicate());
        try {
            assertRefusedCheaplyFrom(expected, heapBody);
            assertRefusedCheaplyFrom(expected, directBody);
        } finally {
            directBody.release();
        }
    }

    private static void assertRefusedCheaplyFrom(String expected, ByteBuf body) {
        PeerFrame.decode(FrameEncoder.encode(Unpooled.buffer().alloc(), new PeerFrame.Hello(1, "warm-up"))
                .skipBytes(FrameLimits.LENGTH_PREFIX_BYTES)); // this thread's Kryo exists before counting
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> PeerFrame.decode(body));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < ALLOWED_ALLOCATION, "decoding allocated " + allocated + " bytes: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    }

    private static void appendEntriesHeader(Output fields) {
        for (long value : List.of(1L, 2L, 3L, 0L, 0L, 0L)) {
            fields.writeVarLong(value, true);
        }
    }

    /** A versioned object: its fields' length, then the fields. */
    private static byte[] object(Consumer<Output> writeFields) {
        Output fields = new Output(64, -1);
        writeFields.accept(fields);
        Output object = new Output(fields.position() + 8, -1);
        object.writeVarInt(fields.position(), true);
        object.writeBytes(fields.toBytes());
        return object.toBytes();
    }

    private static ByteBuf raftMessage(int typeId, Consumer<Output> writeFields) {
        byte[] object = object(writeFields);
        Output message = new Output(object.length + 8, -1);
        message.writeVarInt(typeId, true);
        message.writeBytes(object);
        return body(PeerOpcodes.RAFT_MESSAGE, message.toBytes());
    }

    private static ByteBuf body(int opcode, byte[] fields) {
        return Unpooled.buffer().writeByte(opcode).writeLong(0).writeBytes(fields);
    }
}
