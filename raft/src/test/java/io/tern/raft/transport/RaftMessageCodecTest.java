package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.raft.core.Message;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RaftMessageCodecTest {

    static List<Message> everyKind() {
        return SampleMessages.everyKind();
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void roundTripsEveryMessageAndPredictsItsSize(Message message) {
        byte[] encoded = encode(message);
        assertEquals(RaftMessageCodec.encodedSize(message), encoded.length);
        assertEquals(message, decode(encoded));
    }

    @Test
    void roundTripsAppendEntriesWithNoneOneAndManyEntries() {
        for (int count : new int[] {0, 1, 2, 1000}) {
            Message.AppendEntries message = SampleMessages.appendEntries(count);
            Message.AppendEntries decoded = (Message.AppendEntries) decode(encode(message));
            assertEquals(count, decoded.entries().size());
            assertEquals(message, decoded);
        }
    }

    @Test
    void roundTripsAFourMebibytePayload() {
        Message.AppendEntries message = SampleMessages.appendEntriesWithPayload(4 * 1024 * 1024);
        byte[] encoded = encode(message);
        assertTrue(encoded.length <= RaftMessageCodec.MAX_APPEND_ENTRIES_OVERHEAD_BYTES
                + RaftMessageCodec.MAX_ENTRY_OVERHEAD_BYTES + 4 * 1024 * 1024, () -> encoded.length + " bytes");
        assertEquals(message, decode(encoded));
    }

    @Test
    void roundTripsRandomMessagesOfEveryKind() {
        Random random = new Random(20261202);
        for (int run = 0; run < 5_000; run++) {
            Message message = RandomMessages.next(random);
            byte[] encoded = encode(message);
            assertEquals(RaftMessageCodec.encodedSize(message), encoded.length, message::toString);
            assertEquals(message, decode(encoded), message::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void skipsFieldsThatANewerMemberAppended(Message message) {
        byte[] encoded = encode(message);
        Input in = new Input(encoded);
        int typeId = in.readVarInt(true);
        int fieldsLength = in.readVarInt(true);
        byte[] fields = in.readBytes(fieldsLength);
        // A newer release's message: the same fields, then a varint and a length-prefixed blob this one does not know.
        Output newer = new Output(encoded.length + 64, -1);
        newer.writeVarInt(typeId, true);
        newer.writeVarInt(fieldsLength + 1 + 1 + 3, true);
        newer.writeBytes(fields);
        newer.writeVarLong(99, true);
        newer.writeVarInt(3, true);
        newer.writeBytes(new byte[] {7, 7, 7});
        assertEquals(message, decode(newer.toBytes()));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void refusesEveryTruncation(Message message) {
        byte[] encoded = encode(message);
        for (int length = 0; length < encoded.length; length++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(encoded, 0, length);
            int cut = length;
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(prefix),
                    () -> "decoding the first " + cut + " of " + encoded.length + " bytes of " + message);
            assertTrue(e.getMessage().startsWith("malformed "), e.getMessage());
        }
    }

    @Test
    void refusesTruncationsOfALargePayloadWithoutReadingPastTheEnd() {
        byte[] encoded = encode(SampleMessages.appendEntriesWithPayload(4 * 1024 * 1024));
        for (int length : new int[] {30, encoded.length / 2, encoded.length - 1}) {
            assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(Unpooled.wrappedBuffer(encoded, 0, length)));
        }
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void refusesTrailingBytes(Message message) {
        byte[] encoded = encode(message);
        ByteBuf padded = Unpooled.buffer().writeBytes(encoded).writeByte(0);
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(padded));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void everyRefusalHasItsOwnWireCode() {
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (io.tern.raft.core.Rejection rejection : io.tern.raft.core.Rejection.values()) {
            assertTrue(codes.add(RaftMessageSerializers.rejectionCode(rejection)), "code of " + rejection);
        }
        assertEquals(0, RaftMessageSerializers.rejectionCode(null));
    }

    @Test
    void refusesUnknownTypeIds() {
        // Kryo's own int and String, unused ids, and PEER_HELLO's (registered, but not a Raft message).
        for (int id : new int[] {0, 1, 15, 27, 33, 127}) {
            byte[] encoded = encode(new Message.TimeoutNow(1, 2, 3));
            encoded[0] = (byte) id;
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(encoded));
            assertTrue(e.getMessage().contains("unknown type id " + id), e.getMessage());
        }
    }

    @Test
    void refusesUnknownEntryKinds() {
        byte[] encoded = encode(new Message.AppendEntries(1, 2, 3, 0, 0, List.of(LogEntry.noop(1, 3)), 0));
        int kindOffset = encoded.length - 2; // the entry ends with its kind and an empty payload's length
        assertEquals(EntryKind.NOOP.code(), encoded[kindOffset]);
        for (int kind : new int[] {0, 4, 255}) {
            encoded[kindOffset] = (byte) kind;
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(encoded));
            assertTrue(e.getMessage().contains("unknown kind " + kind), e.getMessage());
        }
    }

    @Test
    void refusesEntriesThatTheLogWouldRefuse() {
        byte[] encoded = encode(new Message.AppendEntries(1, 2, 3, 0, 0, List.of(LogEntry.noop(1, 3)), 0));
        int indexOffset = encoded.length - 4; // index, term, kind, payload length: one byte each here
        assertEquals(1, encoded[indexOffset]);
        encoded[indexOffset] = 0;
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(encoded));
        assertTrue(e.getMessage().contains("log index must be positive"), e.getMessage());
    }

    @Test
    void refusesBooleansOtherThanZeroOrOne() {
        byte[] encoded = encode(new Message.PreVoteResponse(2, 1, 5, true));
        encoded[encoded.length - 1] = 2;
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(encoded));
        assertTrue(e.getMessage().contains("granted must be 0 or 1"), e.getMessage());
    }

    @Test
    void refusesAHugeEntryCountBeforeAllocatingForIt() {
        Output fields = appendEntriesHeader();
        fields.writeVarInt(0xFFFF_FFFF, true); // 4 billion entries, none of them present
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> decode(message(APPEND_ENTRIES_ID, fields)));
        assertTrue(e.getMessage().contains("entry count 4294967295"), e.getMessage());
    }

    @Test
    void refusesAHugePayloadLengthBeforeAllocatingForIt() {
        Output entry = new Output(64, -1);
        entry.writeVarLong(1, true);
        entry.writeVarLong(3, true);
        entry.writeByte(EntryKind.COMMAND.code());
        entry.writeVarInt(Integer.MAX_VALUE, true); // 2 GiB of payload, none of it present
        Output fields = appendEntriesHeader();
        fields.writeVarInt(1, true);
        fields.writeVarInt(entry.position(), true);
        fields.writeBytes(entry.toBytes());
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> decode(message(APPEND_ENTRIES_ID, fields)));
        assertTrue(e.getMessage().contains("entry payload length 2147483647"), e.getMessage());
    }

    @Test
    void refusesAnObjectLengthBeyondTheFrameBeforeAllocatingForIt() {
        Output out = new Output(16, -1);
        out.writeVarInt(APPEND_ENTRIES_ID, true);
        out.writeVarInt(Integer.MAX_VALUE, true);
        out.writeBytes(new byte[] {1, 2, 3});
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(out.toBytes()));
        assertTrue(e.getMessage().contains("claim 2147483647 bytes but only 3 remain"), e.getMessage());
    }

    @Test
    void refusesABadMembershipOrSnapshotInInstallSnapshot() {
        Output garbage = snapshotMeta(10, 2, new byte[] {1, 2, 3});
        assertThrows(MalformedFrameException.class, () -> decode(message(INSTALL_SNAPSHOT_ID, installSnapshot(garbage))));

        Output badMeta = snapshotMeta(0, 7, SampleMessages.MEMBERSHIP.encode()); // index 0 with term 7
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> decode(message(INSTALL_SNAPSHOT_ID, installSnapshot(badMeta))));
        assertTrue(e.getMessage().contains("index 0 must have term 0"), e.getMessage());
    }

    @Test
    void randomCorruptionOnlyEverRaisesTheDeclaredException() {
        Random random = new Random(20261124);
        List<Message> samples = SampleMessages.everyKind();
        for (int run = 0; run < 20_000; run++) {
            byte[] encoded = encode(samples.get(random.nextInt(samples.size())));
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                encoded[random.nextInt(encoded.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(encoded.length + 1) : encoded.length;
            try {
                RaftMessageCodec.decode(Unpooled.wrappedBuffer(encoded, 0, length));
            } catch (MalformedFrameException expected) {
                // the only acceptable failure
            } catch (RuntimeException | Error e) {
                fail("run " + run + " raised " + e, e);
            }
        }
    }

    private static final int APPEND_ENTRIES_ID = 20;
    private static final int INSTALL_SNAPSHOT_ID = 24;

    /** From, to, term, prevLogIndex, prevLogTerm, leaderCommit: what precedes the entry count. */
    private static Output appendEntriesHeader() {
        Output fields = new Output(64, -1);
        for (long value : new long[] {1, 2, 3, 0, 0, 0}) {
            fields.writeVarLong(value, true);
        }
        return fields;
    }

    private static Output snapshotMeta(long index, long term, byte[] membership) {
        Output meta = new Output(64, -1);
        meta.writeVarLong(index, true);
        meta.writeVarLong(term, true);
        meta.writeVarInt(membership.length, true);
        meta.writeBytes(membership);
        return meta;
    }

    private static Output installSnapshot(Output meta) {
        Output fields = new Output(64, -1);
        for (long value : new long[] {1, 2, 3}) {
            fields.writeVarLong(value, true);
        }
        fields.writeVarInt(meta.position(), true);
        fields.writeBytes(meta.toBytes());
        return fields;
    }

    /** A message of type {@code typeId} whose object holds exactly {@code fields}. */
    private static byte[] message(int typeId, Output fields) {
        Output out = new Output(fields.position() + 16, -1);
        out.writeVarInt(typeId, true);
        out.writeVarInt(fields.position(), true);
        out.writeBytes(fields.toBytes());
        return out.toBytes();
    }

    static byte[] encode(Message message) {
        ByteBuf out = Unpooled.buffer();
        RaftMessageCodec.encode(message, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    static Message decode(byte[] encoded) {
        ByteBuf in = Unpooled.wrappedBuffer(encoded);
        Message message = RaftMessageCodec.decode(in);
        assertEquals(0, in.readableBytes(), "decode must consume the whole encoding");
        return message;
    }
}
