package io.tern.engine.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** CRC32C of whole files, and the one way checksums are spelled in metadata and messages. */
final class Checksums {

    /** Large enough that a read costs one system call per MiB; small enough to allocate per call. */
    static final int BUFFER_BYTES = 1 << 20;

    private Checksums() {
    }

    /** Eight lowercase hex digits, as {@code snapshot.json} and error messages show a checksum. */
    static String hex(int crc32c) {
        return String.format("%08x", crc32c);
    }

    /** The inverse of {@link #hex(int)}; rejects anything that {@code hex} would not produce. */
    static int parseHex(String text) {
        if (text.length() != 8 || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("'" + text + "' is not a checksum of 8 lowercase hex digits");
        }
        return Integer.parseUnsignedInt(text, 16);
    }

    /** Reads {@code file} once and returns what it holds, recorded under {@code name}. */
    static SnapshotFile measure(Path file, String name) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        // A direct buffer lets the CRC intrinsic and the read share memory without a copy.
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                size += buffer.remaining();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return new SnapshotFile(name, size, (int) crc.getValue());
    }
}
