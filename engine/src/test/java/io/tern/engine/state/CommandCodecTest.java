package io.tern.engine.state;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static io.tern.engine.state.TestEntries.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandCodecTest {

    private static final byte[] EMPTY = new byte[0];

    private static final List<Command> EVERY_SHAPE = List.of(
            new Command.Put(bytes("key"), bytes("value")),
            new Command.Put(EMPTY, EMPTY),
            new Command.Delete(bytes("key")),
            new Command.Delete(EMPTY),
            new Command.CompareAndSet(bytes("k"), bytes("old"), bytes("new")),
            new Command.CompareAndSet(bytes("k"), null, bytes("new")),
            new Command.CompareAndSet(bytes("k"), bytes("old"), null),
            new Command.CompareAndSet(bytes("k"), null, null),
            new Command.CompareAndSet(EMPTY, EMPTY, EMPTY),
            new Command.Batch(List.of()),
            new Command.Batch(List.of(
                    new Command.Put(bytes("a"), bytes("1")),
                    new Command.Delete(bytes("b")),
                    new Command.Put(EMPTY, EMPTY),
                    new Command.Delete(EMPTY))),
            new Command.SetAlarm(2, Alarm.Type.NOSPACE, true, "member 2's data directory /d has 3 MB free \u00e9"),
            new Command.SetAlarm(-1, Alarm.Type.NOSPACE, false, ""),
            new Command.Kv(new io.tern.kv.PutRequest(bytes("k"), bytes("v"), 7, true, false, true)),
            new Command.Kv(new io.tern.kv.TxnRequest(
                    List.of(io.tern.kv.Compare.version(bytes("k"), io.tern.kv.Compare.Result.EQUAL, 0)),
                    List.of(new io.tern.kv.DeleteRangeRequest(io.tern.kv.KeyRange.prefix(bytes("p")), true)),
                    List.of(io.tern.kv.RangeRequest.of(io.tern.kv.KeyRange.all()).atRevision(3)))),
            new Command.Compact(12),
            new Command.LeaseGrant(5, 60),
            new Command.LeaseRevoke(5),
            new Command.Auth(new io.tern.engine.auth.AuthChange.Enable(bytes("0123456789abcdef"))),
            new Command.Auth(new io.tern.engine.auth.AuthChange.Disable()),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserAdd("al\u00efce", "$2a$10$hash")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserAdd("cert-only", null)),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserDelete("bob")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserChangePassword("bob", "$2a$10$other")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserGrantRole("bob", "r")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.UserRevokeRole("bob", "r")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.RoleAdd("r")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.RoleDelete("r")),
            new Command.Auth(new io.tern.engine.auth.AuthChange.RoleGrantPermission("r", new io.tern.kv.Permission(
                    io.tern.kv.Permission.Type.READWRITE, io.tern.kv.KeyRange.prefix(bytes("p/"))))),
            new Command.Auth(new io.tern.engine.auth.AuthChange.RoleRevokePermission("r",
                    new io.tern.kv.KeyRange(bytes("a"), bytes("b")))),
            new Command.AsUser("alice", new Command.Put(bytes("k"), bytes("v"))),
            new Command.AsUser("", new Command.Kv(new io.tern.kv.PutRequest(bytes("k"), bytes("v"), 0, false, false, false))),
            new Command.AsUser("root", new Command.Auth(new io.tern.engine.auth.AuthChange.RoleAdd("x"))));

    @Test
    void everyShapeRoundTrips() {
        for (Command command : EVERY_SHAPE) {
            Command decoded = Command.decode(command.encode());
            assertEquals(command, decoded, () -> "round trip of " + command);
            assertEquals(command.hashCode(), decoded.hashCode());
        }
    }

    @Test
    void encodedSizeIsTheEncodingsLength() {
        for (Command command : EVERY_SHAPE) {
            assertEquals(command.encode().length, command.encodedSize(), command.toString());
        }
    }

    @Test
    void emptyExpectedValueIsNotTheSameAsAbsent() {
        var decoded = (Command.CompareAndSet) Command.decode(
                new Command.CompareAndSet(bytes("k"), EMPTY, EMPTY).encode());
        assertArrayEquals(EMPTY, decoded.expected());
        assertArrayEquals(EMPTY, decoded.newValue());
        var absent = (Command.CompareAndSet) Command.decode(new Command.CompareAndSet(bytes("k"), null, null).encode());
        assertNull(absent.expected());
        assertNull(absent.newValue());
        assertNotEquals(decoded, absent);
    }

    @Test
    void fourMebibyteValueRoundTrips() {
        byte[] value = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(value);
        var decoded = (Command.Put) Command.decode(new Command.Put(bytes("big"), value).encode());
        assertArrayEquals(value, decoded.value());
    }

    @Test
    void layoutIsPinnedBecauseTheLogStoresIt() {
        assertEquals("0101" + "00000001" + "6b" + "00000002" + "7676",
                HexFormat.of().formatHex(new Command.Put(bytes("k"), bytes("vv")).encode()));
        assertEquals("0103" + "00000001" + "6b" + "00" + "01" + "00000001" + "6e",
                HexFormat.of().formatHex(new Command.CompareAndSet(bytes("k"), null, bytes("n")).encode()));
        assertEquals("0104" + "00000002" + "01" + "00000001" + "61" + "00000001" + "31" + "02" + "00000001" + "62",
                HexFormat.of().formatHex(new Command.Batch(List.of(
                        new Command.Put(bytes("a"), bytes("1")), new Command.Delete(bytes("b")))).encode()));
        assertEquals("0105" + "01" + "0000000000000002" + "01" + "00000001" + "64",
                HexFormat.of().formatHex(new Command.SetAlarm(2, Alarm.Type.NOSPACE, true, "d").encode()));
    }

    @Test
    void everyTruncationIsRejected() {
        for (Command command : EVERY_SHAPE) {
            byte[] encoded = command.encode();
            for (int length = 0; length < encoded.length; length++) {
                byte[] truncated = Arrays.copyOf(encoded, length);
                var e = assertThrows(IllegalArgumentException.class, () -> Command.decode(truncated),
                        () -> command + " cut to " + truncated.length + " bytes");
                assertTrue(e.getMessage().startsWith("malformed command"), e.getMessage());
            }
        }
    }

    @Test
    void hugeLengthPrefixIsRejectedBeforeAllocating() {
        for (int claimed : new int[] {Integer.MAX_VALUE, -1, 1 << 30}) {
            byte[] encoded = ByteBuffer.allocate(10).put((byte) 1).put((byte) 1).putInt(claimed).putInt(0).array();
            var e = assertThrows(IllegalArgumentException.class, () -> Command.decode(encoded));
            assertContains(e.getMessage(), "key claims " + Integer.toUnsignedLong(claimed) + " bytes");
        }
    }

    @Test
    void hugeBatchCountIsRejectedBeforeAllocating() {
        byte[] encoded = ByteBuffer.allocate(11).put((byte) 1).put((byte) 4).putInt(-1)
                .put((byte) 2).putInt(0).array();
        var e = assertThrows(IllegalArgumentException.class, () -> Command.decode(encoded));
        assertContains(e.getMessage(), "batch claims 4294967295 operations");
    }

    @Test
    void unknownCodesAndTrailingBytesAreRejected() {
        assertRejected(new byte[] {2, 1, 0, 0, 0, 0, 0, 0, 0, 0}, "unsupported encoding version 2");
        assertRejected(new byte[] {1, 12}, "unknown command type 12");
        assertRejected(new byte[] {1, 10, 99}, "auth change of unknown kind 99");
        assertRejected(new byte[] {1, 11, 0, 0, 0, 0, 1, 11, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0}, "carries another user");
        assertRejected(new byte[] {1, 4, 0, 0, 0, 1, 3, 0, 0, 0, 0}, "unknown batch operation kind 3");
        assertRejected(new byte[] {1, 3, 0, 0, 0, 0, 2}, "presence flag of expected is 2");
        assertRejected(new byte[] {1, 5, 1, 0, 0, 0, 0, 0, 0, 0, 2, 7, 0, 0, 0, 0}, "unknown alarm type 7");
        assertRejected(new byte[] {1, 5, 2, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0}, "alarm flag is 2");
        byte[] trailing = Arrays.copyOf(new Command.Delete(bytes("k")).encode(), 8);
        assertRejected(trailing, "1 unexpected bytes after the command");
        assertRejected(null, "no bytes");
        assertRejected(new byte[0], "truncated");
    }

    @Test
    void equalityIsByContent() {
        assertEquals(new Command.Put(bytes("k"), bytes("v")), new Command.Put(bytes("k"), bytes("v")));
        assertNotEquals(new Command.Put(bytes("k"), bytes("v")), new Command.Put(bytes("k"), bytes("w")));
        assertEquals(new Command.Delete(bytes("k")).hashCode(), new Command.Delete(bytes("k")).hashCode());
        assertNotEquals(new Command.CompareAndSet(bytes("k"), null, bytes("v")),
                new Command.CompareAndSet(bytes("k"), bytes("v"), null));
        assertEquals(new CommandResult.CasMismatch(bytes("x")), new CommandResult.CasMismatch(bytes("x")));
        assertTrue(new Command.Put(bytes("k"), bytes("v")).toString().contains("0x6b"));
    }

    static void assertContains(String actual, String part) {
        assertTrue(actual != null && actual.contains(part), () -> "expected <" + actual + "> to contain <" + part + ">");
    }

    private static void assertRejected(byte[] encoded, String expectedMessagePart) {
        var e = assertThrows(IllegalArgumentException.class, () -> Command.decode(encoded));
        assertContains(e.getMessage(), expectedMessagePart);
    }
}
