package io.tern.engine.meta;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.raft.types.Membership;
import io.tern.raft.types.TermStorage;
import io.tern.engine.io.DurableFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Keeps the {@link MemberRecord} in one small file, replaced atomically on every save (temporary file,
 * fsync, rename, fsync of the directory), so a crash leaves the old or the new state, never a mix.
 *
 * <pre>u32 magic 'TRNH' | u8 version | i64 term | i64 votedFor | i32 n | membership[n] | i32 crc32c</pre>
 */
public final class MemberRecordStore implements TermStorage {

    private static final int MAGIC = 0x54524e48;
    private static final byte VERSION = 1;

    private final Path file;
    private MemberRecord current;

    private MemberRecordStore(Path file, MemberRecord current) {
        this.file = file;
        this.current = current;
    }

    /** Reads the record of {@code file}, or starts from {@link MemberRecord#INITIAL} if there is none. */
    public static MemberRecordStore open(Path file) {
        if (!Files.exists(file)) {
            return new MemberRecordStore(file, MemberRecord.INITIAL);
        }
        try {
            return new MemberRecordStore(file, decode(file, Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized MemberRecord current() {
        return current;
    }

    @Override
    public long term() {
        return current().term();
    }

    @Override
    public long votedFor() {
        return current().votedFor();
    }

    @Override
    public Membership bootstrapMembership() {
        return current().bootstrapMembership();
    }

    @Override
    public synchronized void saveTermAndVote(long term, long votedFor) {
        save(current.withTermAndVote(term, votedFor));
    }

    @Override
    public synchronized void saveBootstrapMembership(Membership bootstrap) {
        save(new MemberRecord(current.term(), current.votedFor(), bootstrap));
    }

    /** Makes {@code state} durable before returning; a no-op if it is what is stored already. */
    public synchronized void save(MemberRecord state) {
        if (state.equals(current)) {
            return;
        }
        try {
            DurableFiles.writeAtomically(file, encode(state));
        } catch (IOException e) {
            throw new StorageException("cannot save the hard state to " + file + ": " + e.getMessage(), e);
        }
        current = state;
    }

    static byte[] encode(MemberRecord state) {
        byte[] membership = state.bootstrapMembership().encode();
        ByteBuffer buffer = ByteBuffer.allocate(4 + 1 + 8 + 8 + 4 + membership.length + 4);
        buffer.putInt(MAGIC).put(VERSION).putLong(state.term()).putLong(state.votedFor())
                .putInt(membership.length).put(membership);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        return buffer.array();
    }

    static MemberRecord decode(Path file, byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, Math.max(0, bytes.length - 4));
            if (bytes.length < 4 + 1 + 8 + 8 + 4 + 4 || in.getInt(bytes.length - 4) != (int) crc.getValue()) {
                throw new CorruptStorageException("corrupt hard state " + file + ": checksum mismatch");
            }
            if (in.getInt() != MAGIC) {
                throw new CorruptStorageException("corrupt hard state " + file + ": unknown magic");
            }
            byte version = in.get();
            if (version != VERSION) {
                throw new StorageException("the hard state " + file + " has version " + version + "; this Tern reads "
                        + "version " + VERSION + " only");
            }
            long term = in.getLong();
            long votedFor = in.getLong();
            int length = in.getInt();
            if (length < 0 || length != bytes.length - in.position() - 4) {
                throw new CorruptStorageException("corrupt hard state " + file + ": bad membership length");
            }
            byte[] membership = new byte[length];
            in.get(membership);
            return new MemberRecord(term, votedFor, Membership.decode(membership));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptStorageException("corrupt hard state " + file + ": " + e.getMessage());
        }
    }
}
