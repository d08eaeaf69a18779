package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        assertEquals(RaftMessageCodec.APPEND_ENTRIES_FIXED_BYTES + RaftMessageCodec.ENTRY_FIXED_BYTES + 4 * 1024 * 1024,
                encoded.length);
        assertEquals(message, decode(encoded));
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
        for (int length : new int[] {RaftMessageCodec.APPEND_ENTRIES_FIXED_BYTES + RaftMessageCodec.ENTRY_FIXED_BYTES,
                encoded.length / 2, encoded.length - 1}) {
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
    void refusesUnknownTags() {
        for (int tag : new int[] {0, 12, 0x70, 0xFF}) {
            byte[] encoded = encode(new Message.TimeoutNow(1, 2, 3));
            encoded[0] = (byte) tag;
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decode(encoded));
            assertTrue(e.getMessage().contains("unknown message tag " + tag), e.getMessage());
        }
    }

    @Test
    void refusesUnknownEntryKinds() {
        byte[] encoded = encode(new Message.AppendEntries(1, 2, 3, 0, 0, List.of(LogEntry.noop(1, 3)), 0));
        int kindOffset = RaftMessageCodec.APPEND_ENTRIES_FIXED_BYTES + 8 + 8;
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
        int indexOffset = RaftMessageCodec.APPEND_ENTRIES_FIXED_BYTES;
        Unpooled.wrappedBuffer(encoded).setLong(indexOffset, 0);
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
        ByteBuf in = Unpooled.buffer();
        RaftMessageCodec.encode(SampleMessages.appendEntries(0), in);
        in.setInt(in.writerIndex() - 4, 0xFFFF_FFFF); // 4 billion entries, none of them present
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(in));
        assertTrue(e.getMessage().contains("entry count 4294967295"), e.getMessage());
    }

    @Test
    void refusesAHugePayloadLengthBeforeAllocatingForIt() {
        ByteBuf in = Unpooled.buffer();
        RaftMessageCodec.encode(new Message.AppendEntries(1, 2, 3, 0, 0, List.of(LogEntry.noop(1, 3)), 0), in);
        in.setInt(in.writerIndex() - 4, Integer.MAX_VALUE);
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(in));
        assertTrue(e.getMessage().contains("entry payload length 2147483647"), e.getMessage());
    }

    @Test
    void refusesABadMembershipOrSnapshotInInstallSnapshot() {
        ByteBuf garbage = Unpooled.buffer();
        RaftMessageCodec.encode(new Message.TimeoutNow(1, 2, 3), garbage);
        garbage.setByte(0, 9); // InstallSnapshot's tag
        garbage.writeLong(10).writeLong(2).writeInt(3).writeBytes(new byte[] {1, 2, 3});
        assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(garbage));

        ByteBuf badMeta = Unpooled.buffer();
        RaftMessageCodec.encode(new Message.InstallSnapshot(1, 2, 3, new io.tern.raft.core.SnapshotMeta(0, 0,
                SampleMessages.MEMBERSHIP)), badMeta);
        badMeta.setLong(RaftMessageCodec.COMMON_HEADER_BYTES + 8, 7); // index 0 with term 7
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> RaftMessageCodec.decode(badMeta));
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
