package io.tern.client.protocol;

import io.tern.kv.KeyValue;
import static io.tern.client.protocol.RequestCodecTest.assertOneLine;
import static io.tern.client.protocol.Samples.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResponseCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyResponseSurvivesARoundTrip() {
        for (Samples.Answer answer : Samples.responses()) {
            ByteBuf body = Samples.encode(answer.response(), ResponseCodec::encode);
            assertEquals(answer.response().requestId(), ResponseCodec.peekRequestId(body));
            assertEquals(answer.response(), ResponseCodec.decode(body, answer.opcode()), answer.toString());
            assertFalse(body.isReadable(), "decode consumes the whole body");
        }
    }

    @Test
    void pinnedBytes() {
        assertEquals("00" + "0000000000000007" + "0000000000000009" + "00000001" + "76",
                hex(new Response.GetOk(7, 9, b("v"))));
        assertEquals("03" + "0000000000000007" + "0000000000000009" + "00", hex(new Response.CasMismatch(7, 9, null)));
        assertEquals("00" + "0000000000000007" + "0000000000000009" + "00000001" + "00000001" + "6b" + "00000001"
                + "76" + "01", hex(new Response.ScanOk(7, 9, List.of(new KeyValue(b("k"), b("v"))), true)));
        assertEquals("02" + "0000000000000007" + "00000000", hex(new Response.NotLeader(7, "")));
        assertEquals("00" + "0000000000000007" + "0000000000000009" + "01", hex(new Response.DeleteOk(7, 9, true)));
    }

    @Test
    void everyTruncationIsMalformed() {
        for (Samples.Answer answer : Samples.responses()) {
            byte[] whole = Samples.bytes(Samples.encode(answer.response(), ResponseCodec::encode));
            for (int length = 0; length < whole.length; length++) {
                ByteBuf cut = Unpooled.wrappedBuffer(whole, 0, length);
                MalformedResponseException e = assertThrows(MalformedResponseException.class,
                        () -> ResponseCodec.decode(cut, answer.opcode()), answer + " cut to " + length);
                assertOneLine(e);
            }
        }
    }

    @Test
    void changingAnyByteNeverEscapesAsAnotherException() {
        for (Samples.Answer answer : Samples.responses()) {
            byte[] whole = Samples.bytes(Samples.encode(answer.response(), ResponseCodec::encode));
            for (int i = 0; i < whole.length; i++) {
                for (int value : new int[] {0x00, 0x02, 0x7f, 0x80, 0xff}) {
                    byte[] changed = whole.clone();
                    changed[i] = (byte) value;
                    try {
                        ResponseCodec.decode(Unpooled.wrappedBuffer(changed), answer.opcode());
                    } catch (MalformedResponseException expected) {
                        assertOneLine(expected);
                    }
                }
            }
        }
    }

    @Test
    void statusesTheContractDoesNotAllowForTheOpcodeAreMalformed() {
        ByteBuf notFound = Samples.encode(new Response.NotFound(3, 1), ResponseCodec::encode);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(notFound, Opcode.PUT));
        ByteBuf mismatch = Samples.encode(new Response.CasMismatch(3, 1, null), ResponseCodec::encode);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(mismatch, Opcode.GET));
        ByteBuf ok = Samples.encode(new Response.PingOk(3), ResponseCodec::encode);
        MalformedResponseException e = assertThrows(MalformedResponseException.class,
                () -> ResponseCodec.decode(ok, null));
        assertEquals(OptionalLong.of(3), e.requestId());
    }

    @Test
    void unknownStatusHugeCountsAndTrailingBytesAreMalformed() {
        ByteBuf unknown = Unpooled.buffer().writeByte(9).writeLong(1);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(unknown, Opcode.PING));
        ByteBuf hugeCount = Unpooled.buffer().writeByte(0).writeLong(1).writeLong(5).writeInt(Integer.MAX_VALUE);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(hugeCount, Opcode.SCAN));
        ByteBuf hugeValue = Unpooled.buffer().writeByte(0).writeLong(1).writeLong(5).writeInt(-1);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(hugeValue, Opcode.GET));
        ByteBuf trailing = Samples.encode(new Response.PutOk(1, 2), ResponseCodec::encode).writeByte(0);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(trailing, Opcode.PUT));
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.peekRequestId(Unpooled.buffer().writeByte(0)));
    }

    @Test
    void casMismatchPresenceFollowsTheCurrentValue() {
        assertTrue(new Response.CasMismatch(1, 1, new byte[0]).present());
        assertFalse(new Response.CasMismatch(1, 1, null).present());
        assertFalse(new Response.NotLeader(1, "").leaderKnown());
    }

    private static String hex(Response response) {
        return HEX.formatHex(Samples.bytes(Samples.encode(response, ResponseCodec::encode)));
    }
}
