package io.tern.raft.types;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotChunkTest {

    private static final SnapshotChunk FILE_CHUNK =
            SnapshotChunk.fileData("000012.sst", 1L << 40, randomBytes(300, 7), false);
    private static final SnapshotChunk METADATA_CHUNK = SnapshotChunk.metadata(0, "{}".getBytes(), true);

    @Test
    void roundTripsBothKinds() {
        for (SnapshotChunk chunk : new SnapshotChunk[] {FILE_CHUNK, METADATA_CHUNK,
                SnapshotChunk.fileData("é", 0, new byte[0], true)}) {
            byte[] encoded = chunk.encode();
            assertEquals(chunk.encodedSize(), encoded.length);
            assertEquals(chunk, SnapshotChunk.decode(encoded));
        }
    }

    @Test
    void headerStaysWithinItsBoundForTheLongestName() {
        SnapshotChunk chunk = SnapshotChunk.fileData("x".repeat(SnapshotFileNames.MAX_NAME_BYTES), 0, new byte[10], false);
        assertEquals(10 + SnapshotChunk.MAX_HEADER_BYTES, chunk.encode().length);
    }

    @Test
    void everyTruncationAndAnyTrailingByteIsRejected() {
        byte[] encoded = FILE_CHUNK.encode();
        for (int length = 0; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(truncated), "length " + length);
        }
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(Arrays.copyOf(encoded, encoded.length + 1)));
    }

    @Test
    void aHugeDeclaredLengthIsRejectedBeforeAnythingIsAllocated() {
        ByteBuffer header = ByteBuffer.allocate(3 + 2 + 1 + 8 + 4)
                .put((byte) 1).put((byte) 2).put((byte) 0).putShort((short) 1).put((byte) 'a')
                .putLong(0).putInt(Integer.MAX_VALUE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(header.array()));
        assertTrue(e.getMessage().contains("2147483647 bytes of data but 0 follow"), e.getMessage());

        byte[] negative = header.array().clone();
        ByteBuffer.wrap(negative).putInt(negative.length - 4, -1);
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(negative));
    }

    @Test
    void malformedHeadersAreRejected() {
        byte[] good = FILE_CHUNK.encode();
        assertRejected(good, 0, (byte) 2, "unknown format");
        assertRejected(good, 1, (byte) 3, "unknown kind");
        assertRejected(good, 2, (byte) 2, "unknown flags");
        assertRejected(good, 3 + 2, (byte) '/', "path separator");
        assertRejected(good, 3 + 2, (byte) 0xff, "not UTF-8");
        assertRejected(good, 3 + 2 + 10, (byte) 0x80, "chunk offset");

        byte[] longName = good.clone();
        ByteBuffer.wrap(longName).putShort(3, (short) 256);
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(longName));

        byte[] metadataWithName = good.clone();
        metadataWithName[1] = 1;
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(metadataWithName));

        byte[] dotDot = SnapshotChunk.fileData("ab", 0, new byte[1], false).encode();
        dotDot[5] = '.';
        dotDot[6] = '.';
        assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(dotDot));
    }

    /** Random bytes either decode to a valid chunk or fail with IllegalArgumentException, nothing else. */
    @Test
    void randomInputFailsOnlyWithIllegalArgument() {
        Random random = new Random(42);
        byte[] good = FILE_CHUNK.encode();
        for (int i = 0; i < 20_000; i++) {
            byte[] input = i % 2 == 0 ? new byte[random.nextInt(40)] : good.clone();
            if (i % 2 == 0) {
                random.nextBytes(input);
            } else {
                input[random.nextInt(input.length)] = (byte) random.nextInt();
            }
            try {
                SnapshotChunk.decode(input);
            } catch (IllegalArgumentException expected) {
                // the only acceptable failure
            }
        }
    }

    private static void assertRejected(byte[] good, int position, byte value, String reason) {
        byte[] bad = good.clone();
        bad[position] = value;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotChunk.decode(bad));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
