package io.tern.engine.snapshot;

import io.tern.engine.CorruptStorageException;
import io.tern.raft.types.SnapshotChunk;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Tern's backup: one snapshot of a member's state as a single stream of bytes, which etcd's
 * {@code Maintenance.Snapshot} sends ({@code etcdctl snapshot save} writes it to a file) and a restore
 * loads back into a snapshot through the same {@link SnapshotInstaller} that InstallSnapshot uses.
 * Integers are big-endian:
 *
 * <pre>
 * body   := "TERN-BAK" | u32 format (1) | u32 n | n bytes metadata JSON
 *           | every data file's bytes, whole, in the metadata's order
 *           | zero bytes up to a multiple of 512
 * backup := body | SHA-256 of body (32 bytes)
 * </pre>
 *
 * The metadata JSON is the one a snapshot stream starts with ({@value SnapshotMetadata#FILE_NAME}:
 * the last included index and term, the membership, each file's name, size and CRC32C), so the files
 * need no framing and each is checked against its CRC32C as it is loaded. The length, a multiple of
 * 512 plus 32, is how etcdctl recognizes a backup that ends in its SHA-256 (etcd's bbolt files are
 * whole pages); it refuses to save any other. It is not a bbolt file: etcd's own tools cannot read it.
 */
public final class SnapshotBackup {

    private static final byte[] MAGIC = "TERN-BAK".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final int HEADER_BYTES = MAGIC.length + 4 + 4;
    private static final int ALIGNMENT = 512;
    private static final int DIGEST_BYTES = 32;
    private static final String CORRUPT_PREFIX = "not an intact Tern backup: ";
    /** How much of a file one chunk handed to the installer carries when loading. */
    private static final int LOAD_CHUNK_BYTES = 1 << 20;

    private SnapshotBackup() {
    }

    /** Streams the snapshot {@code reader} reads as a backup; closing the writer closes the reader. */
    public static Writer writer(SnapshotReader reader) {
        return new Writer(reader);
    }

    /**
     * Loads a backup into {@code installer} and finishes it: the returned snapshot is complete and
     * verified (every file against its size and CRC32C, the whole against the SHA-256), kept apart as
     * a received snapshot of the installer's store. On any failure the installer is abandoned.
     *
     * @throws CorruptStorageException (one line) if the bytes are not a whole, intact Tern backup
     * @throws IOException if {@code in} cannot be read
     */
    public static Snapshot load(InputStream in, SnapshotInstaller installer) throws IOException {
        try (installer) {
            MessageDigest sha256 = sha256();
            DataInputStream body = new DataInputStream(new DigestInputStream(in, sha256));
            checkHeader(body);
            int metadataBytes = body.readInt();
            if (metadataBytes <= 0 || metadataBytes > SnapshotMetadataJson.MAX_BYTES) {
                throw corrupt("its metadata claims " + Integer.toUnsignedString(metadataBytes) + " bytes");
            }
            byte[] json = readFully(body, metadataBytes);
            SnapshotMetadata metadata;
            try {
                metadata = SnapshotMetadataJson.decode(json);
            } catch (IllegalArgumentException e) {
                throw corrupt("its metadata is invalid: " + e.getMessage());
            }
            List<SnapshotFile> withData = metadata.files().stream().filter(f -> f.sizeBytes() > 0).toList();
            installer.accept(SnapshotChunk.metadata(0, json, withData.isEmpty()));
            for (SnapshotFile file : withData) {
                for (long offset = 0; offset < file.sizeBytes(); ) {
                    byte[] data = readFully(body, (int) Math.min(LOAD_CHUNK_BYTES, file.sizeBytes() - offset));
                    boolean last = file == withData.getLast() && offset + data.length == file.sizeBytes();
                    installer.accept(SnapshotChunk.fileData(file.name(), offset, data, last));
                    offset += data.length;
                }
            }
            byte[] padding = readFully(body, padding(HEADER_BYTES + metadataBytes + metadata.dataSizeBytes()));
            for (byte b : padding) {
                if (b != 0) {
                    throw corrupt("it has bytes after its last file where only padding belongs");
                }
            }
            byte[] expected = sha256.digest();
            byte[] found = readFully(in, DIGEST_BYTES);
            if (!Arrays.equals(expected, found)) {
                throw corrupt("its SHA-256 does not match its content");
            }
            if (in.read() != -1) {
                throw corrupt("it goes on after its SHA-256");
            }
            return installer.finish();
        } catch (EOFException e) {
            throw corrupt("it ends early (truncated?)");
        } catch (CorruptStorageException e) {
            // The installer's own checks (a file's CRC32C) say what is wrong with the bytes, not whose they are.
            throw e.getMessage().startsWith(CORRUPT_PREFIX) ? e : corrupt(e.getMessage());
        }
    }

    /**
     * Checks a saved backup's header and its SHA-256 against its content, without loading it (a
     * restore also checks each file's CRC32C): what {@code tern backup save} does before it keeps a file.
     *
     * @throws CorruptStorageException (one line) if it is not a whole Tern backup of a format this build reads
     * @throws IOException if the file cannot be read
     */
    public static void checkSealed(Path file) throws IOException {
        long size = Files.size(file);
        if (size < HEADER_BYTES + DIGEST_BYTES) {
            throw corrupt("it ends early (truncated?)");
        }
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream body = new DataInputStream(new DigestInputStream(in, sha256));
            checkHeader(body);
            long left = size - DIGEST_BYTES - MAGIC.length - Integer.BYTES; // the header's length field is body too
            byte[] buffer = new byte[1 << 16];
            while (left > 0) {
                int read = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw corrupt("it ends early (truncated?)");
                }
                left -= read;
            }
            if (!Arrays.equals(sha256.digest(), readFully(in, DIGEST_BYTES))) {
                throw corrupt("its SHA-256 does not match its content");
            }
        } catch (EOFException e) {
            throw corrupt("it ends early (truncated?)");
        }
    }

    private static void checkHeader(DataInputStream body) throws IOException {
        byte[] magic = readFully(body, MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw corrupt("it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII)
                    + " (an etcd bbolt snapshot, or not a backup at all?)");
        }
        int format = body.readInt();
        if (format != FORMAT) {
            throw corrupt("it has format " + format + "; this version of Tern reads format " + FORMAT
                    + (format > FORMAT ? " (a backup of a newer Tern?)" : ""));
        }
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw corrupt("it ends early (truncated?)");
        }
        return bytes;
    }

    private static int padding(long bodyBytes) {
        return (int) ((ALIGNMENT - bodyBytes % ALIGNMENT) % ALIGNMENT);
    }

    private static CorruptStorageException corrupt(String problem) {
        return new CorruptStorageException(CORRUPT_PREFIX + problem);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * A backup, pulled piece by piece ({@link #next()}), so that the sender takes the next piece only
     * when the network can take it: the header, each chunk the snapshot reader reads, the padding, the
     * SHA-256. Not safe for concurrent use.
     */
    public static final class Writer implements AutoCloseable {

        private final SnapshotReader reader;
        private final MessageDigest sha256 = sha256();
        private final long bodyBytes;
        private boolean headerSent;
        private boolean paddingSent;
        private boolean digestSent;
        private long sentBytes;

        private Writer(SnapshotReader reader) {
            this.reader = reader;
            this.bodyBytes = HEADER_BYTES + reader.totalBytes() + padding(HEADER_BYTES + reader.totalBytes());
        }

        /** The last log index the backup's state includes. */
        public long snapshotIndex() {
            return reader.snapshot().lastIncludedIndex();
        }

        /** The length of the whole backup. */
        public long totalBytes() {
            return bodyBytes + DIGEST_BYTES;
        }

        /** The bytes still to come after those {@link #next()} has returned. */
        public long remainingBytes() {
            return totalBytes() - sentBytes;
        }

        public boolean hasNext() {
            return !digestSent;
        }

        /**
         * The next piece of the backup, never empty.
         *
         * @throws java.util.NoSuchElementException after the last piece
         * @throws io.tern.engine.StorageException if the snapshot cannot be read or no longer matches its metadata
         */
        public byte[] next() {
            byte[] piece;
            if (!headerSent) {
                headerSent = true;
                piece = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(FORMAT)
                        .putInt(Math.toIntExact(reader.totalBytes() - reader.snapshot().sizeBytes())).array();
            } else if (reader.hasNext()) {
                piece = reader.next().data();
            } else if (!paddingSent && sentBytes < bodyBytes) {
                paddingSent = true;
                piece = new byte[Math.toIntExact(bodyBytes - sentBytes)];
            } else if (!digestSent) {
                digestSent = true;
                sentBytes += DIGEST_BYTES;
                return sha256.digest();
            } else {
                throw new NoSuchElementException("the backup of " + reader.snapshot().directory()
                        + " was sent in full");
            }
            sha256.update(piece);
            sentBytes += piece.length;
            return piece;
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
