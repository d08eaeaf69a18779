package io.tern.engine.snapshot;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Stand-ins for RocksDB checkpoints, and small file helpers for the snapshot tests. */
final class TestCheckpoints {

    static final Membership MEMBERSHIP = new Membership(List.of(
            new Member(1, "10.0.0.1:7379", true),
            new Member(2, "10.0.0.2:7379", true),
            new Member(3, "10.0.0.3:7379", false)));

    private TestCheckpoints() {
    }

    /** A capture of ({@code index}, {@code term}, {@link #MEMBERSHIP}) that writes exactly {@code files}. */
    static StateCapture writing(long index, long term, Map<String, byte[]> files) {
        return directory -> {
            Files.createDirectory(directory);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(directory.resolve(file.getKey()), file.getValue());
            }
            return new StateCapture.Point(index, term, MEMBERSHIP);
        };
    }

    /** A checkpoint that looks like a small RocksDB one; the content depends only on {@code seed}. */
    static Map<String, byte[]> smallCheckpoint(long seed) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("000012.sst", randomBytes(10_000, seed));
        files.put("CURRENT", "MANIFEST-000004\n".getBytes());
        files.put("MANIFEST-000004", randomBytes(700, seed + 1));
        files.put("000013.log", new byte[0]);
        return files;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Inverts the bits of {@code mask} in the byte at {@code position}, keeping the file's size. */
    static void flipBits(Path file, int position, int mask) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[position] ^= (byte) mask;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names directly under {@code directory}, sorted. */
    static List<String> entries(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
