package io.tern.engine.snapshot;

import io.tern.raft.types.Membership;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SnapshotMetadataJsonTest {

    private static final SnapshotMetadata METADATA = new SnapshotMetadata(120_000, 3, TestCheckpoints.MEMBERSHIP,
            List.of(new SnapshotFile("000012.sst", 1_048_576, 0x1a2b3c4d),
                    new SnapshotFile("000013.log", 0, 0),
                    new SnapshotFile("CURRENT", 16, 0xfedcba98)));

    @Test
    void roundTripsEveryField() {
        byte[] json = SnapshotMetadataJson.encode(METADATA);
        assertEquals(METADATA, SnapshotMetadataJson.decode(json));

        SnapshotMetadata empty = new SnapshotMetadata(0, 0, Membership.EMPTY, List.of());
        assertEquals(empty, SnapshotMetadataJson.decode(SnapshotMetadataJson.encode(empty)));
    }

    @Test
    void isReadableText() {
        String json = new String(SnapshotMetadataJson.encode(METADATA), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"lastIncludedIndex\" : 120000"), json);
        assertTrue(json.contains("\"crc32c\" : \"1a2b3c4d\""), json);
        assertTrue(json.contains("\"address\" : \"10.0.0.2:7379\""), json);
    }

    /** Whatever byte of the file goes bad, and whichever of its bits, the metadata is refused. */
    @Test
    void everySingleBitFlipIsDetected() {
        byte[] json = SnapshotMetadataJson.encode(METADATA);
        for (int position = 0; position < json.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = json.clone();
                damaged[position] ^= (byte) (1 << bit);
                try {
                    SnapshotMetadata decoded = SnapshotMetadataJson.decode(damaged);
                    fail("flipping bit " + bit + " of byte " + position + " ('" + (char) json[position]
                            + "') went unnoticed: " + decoded);
                } catch (IllegalArgumentException expected) {
                    assertTrue(!expected.getMessage().contains("\n"), expected.getMessage());
                }
            }
        }
    }

    @Test
    void metadataOfAnotherFormatIsRefusedByItsVersion() {
        String json = new String(SnapshotMetadataJson.encode(METADATA), StandardCharsets.UTF_8);
        String newer = json.replace("\"format\" : 1", "\"format\" : 2");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> SnapshotMetadataJson.decode(newer.getBytes(StandardCharsets.UTF_8)));
        assertEquals("unknown metadata format 2 (this build reads 1)", refused.getMessage());
    }

    @Test
    void checksumMismatchIsNamedAsSuch() {
        String json = new String(SnapshotMetadataJson.encode(METADATA), StandardCharsets.UTF_8);
        String tampered = json.replace("120000", "120001");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotMetadataJson.decode(tampered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("checksum "), e.getMessage());
    }

    @Test
    void refusesFileNamesThatLeaveTheDirectory() {
        for (String name : List.of("../escape", "a/b", "..", ".", "", "snapshot.json", "nul\0")) {
            assertThrows(IllegalArgumentException.class, () -> new SnapshotFile(name, 1, 0), name);
        }
        assertThrows(IllegalArgumentException.class, () -> new SnapshotFile("x".repeat(256), 1, 0));
        new SnapshotFile("x".repeat(255), 1, 0);
    }
}
