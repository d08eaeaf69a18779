package io.tern.client.protocol;

import static io.tern.client.protocol.Samples.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvCodec;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key opcodes carry KvCodec's bytes as they are, and refuse what does not fit the opcode. */
class KvWireCodecTest {

    private static ByteBuf header(Opcode opcode, long requestId) {
        return Unpooled.buffer().writeByte(opcode.code()).writeLong(requestId);
    }

    @Test
    void theOpTravelsInKvCodecsFormUnchanged() {
        PutRequest put = new PutRequest(b("k"), b("v"), 7, true, false, false);
        byte[] body = Samples.bytes(Samples.encode(new KvRequest.Write(5, put), RequestCodec::encode));
        assertEquals(0x21, body[0]);
        assertArrayEquals(KvCodec.encode(put), Arrays.copyOfRange(body, 9, body.length));

        RangeRequest range = RangeRequest.of(KeyRange.prefix(b("p")));
        byte[] rangeBody = Samples.bytes(Samples.encode(new KvRequest.Range(6, ReadMode.LOCAL, 9, range),
                RequestCodec::encode));
        assertEquals(0x20, rangeBody[0]);
        assertEquals(ReadMode.LOCAL.code(), rangeBody[9]);
        assertArrayEquals(KvCodec.encode(range), Arrays.copyOfRange(rangeBody, 9 + 1 + 8, rangeBody.length));

        RangeResponse answer = new RangeResponse(List.of(Samples.kv("a", "1")), false, 1);
        byte[] ok = Samples.bytes(Samples.encode(new KvResponse.OpOk(6, 44, answer), ResponseCodec::encode));
        assertArrayEquals(KvCodec.encode(answer), Arrays.copyOfRange(ok, 9 + 8, ok.length));

        assertEquals("24" + "0000000000000003" + "000000000000002a",
                java.util.HexFormat.of().formatHex(Samples.bytes(
                        Samples.encode(new KvRequest.Compact(3, 42), RequestCodec::encode))));
    }

    @Test
    void anOpOfAnotherKindThanTheOpcodeIsABadRequest() {
        byte[] put = KvCodec.encode(PutRequest.of(b("k"), b("v")));
        for (Opcode opcode : List.of(Opcode.DELETE_RANGE, Opcode.TXN)) {
            ByteBuf body = header(opcode, 8).writeBytes(put);
            BadRequestException e = assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
            assertTrue(e.getMessage().contains("op must be"), e.getMessage());
        }
        ByteBuf range = header(Opcode.RANGE, 9).writeByte(0).writeLong(0).writeBytes(put);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(range));
        ByteBuf delete = header(Opcode.PUT_KV, 10)
                .writeBytes(KvCodec.encode(new DeleteRangeRequest(KeyRange.single(b("k")), false)));
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(delete));
    }

    @Test
    void unknownSortOrderReadModeHugeCountsAndTrailingBytesAreBadRequests() {
        byte[] range = KvCodec.encode(RangeRequest.of(KeyRange.single(b("k"))));
        byte[] badOrder = range.clone();
        badOrder[1 + 4 + 1 + 4 + 8 + 8] = 9; // the sortOrder byte after key "k", an empty end, limit and revision
        BadRequestException order = assertThrows(BadRequestException.class, () -> RequestCodec.decode(
                header(Opcode.RANGE, 1).writeByte(0).writeLong(0).writeBytes(badOrder)));
        assertTrue(order.getMessage().contains("sort order"), order.getMessage());
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(
                header(Opcode.RANGE, 1).writeByte(7).writeLong(0).writeBytes(range)));
        // A txn claiming 2^31 compares in a few bytes is refused before anything is allocated for them.
        ByteBuf hugeTxn = header(Opcode.TXN, 2).writeByte(4).writeInt(Integer.MAX_VALUE).writeInt(0).writeInt(0);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(hugeTxn));
        ByteBuf trailing = header(Opcode.PUT_KV, 3).writeBytes(KvCodec.encode(PutRequest.of(b("k"), b("v"))))
                .writeByte(0);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(trailing));
        ByteBuf shortCompact = header(Opcode.COMPACT, 4).writeInt(1);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(shortCompact));
    }

    @Test
    void anAnswerOfAnotherKindThanTheRequestIsMalformed() {
        ByteBuf putAnswer = Samples.encode(new KvResponse.OpOk(4, 5, new PutResponse(null)), ResponseCodec::encode);
        MalformedResponseException e = assertThrows(MalformedResponseException.class,
                () -> ResponseCodec.decode(putAnswer, Opcode.RANGE));
        assertTrue(e.getMessage().contains("does not answer RANGE"), e.getMessage());
        ByteBuf compactAnswer = Samples.encode(new KvResponse.CompactOk(4, 5), ResponseCodec::encode);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(compactAnswer, Opcode.TXN));
    }

    @Test
    void everyKeyOpcodeHasItsOwnCodeAndOnlyRangeIsARead() {
        assertEquals(0x20, Opcode.RANGE.code());
        assertEquals(0x21, Opcode.PUT_KV.code());
        assertEquals(0x22, Opcode.DELETE_RANGE.code());
        assertEquals(0x23, Opcode.TXN.code());
        assertEquals(0x24, Opcode.COMPACT.code());
        assertThrows(IllegalArgumentException.class,
                () -> new KvRequest.Write(1, RangeRequest.of(KeyRange.single(b("k")))));
    }
}
