package io.tern.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.tern.raft.core.Message;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Kryo that encodes what members say to each other, with the arrays it reuses. Every type sent
 * on its own is registered at a fixed id (registration required, references off), so the bytes
 * never depend on the order in which classes load; every serializer is a {@link VersionedSerializer},
 * so a member reads an older or newer member's objects. Values inside a message (a LogEntry, a
 * SnapshotMeta) are written by their serializer directly: their field says what they are.
 *
 * <p>Kryo works on byte arrays here, a direct buffer's bytes copied in or out in one go: its
 * ByteBuffer input and output go byte by byte, which made a small AppendEntries three times slower.
 *
 * <p>Threads: a Kryo and its buffers are not thread-safe, so each thread has its own
 * ({@link #current()}). Frames are encoded and decoded on Netty's few long-lived event-loop threads
 * (a test's or benchmark's thread otherwise), so a thread-local costs no lock and no pool traffic
 * per frame, and a connection, which stays on one event loop, always meets the same instance.
 */
final class PeerKryo {

    /** One registered type. Ids are wire format: never renumber or reuse one. */
    private record PeerType<T>(int id, Class<T> type, VersionedSerializer<T> serializer) {
    }

    // Kryo holds ids 0 to 9 for primitives and String; peer types start at 16 and stay under 128 (one varint byte).
    private static final List<PeerType<?>> TYPES = List.of(
            new PeerType<>(16, Message.PreVote.class, RaftMessageSerializers.PRE_VOTE),
            new PeerType<>(17, Message.PreVoteResponse.class, RaftMessageSerializers.PRE_VOTE_RESPONSE),
            new PeerType<>(18, Message.RequestVote.class, RaftMessageSerializers.REQUEST_VOTE),
            new PeerType<>(19, Message.RequestVoteResponse.class, RaftMessageSerializers.REQUEST_VOTE_RESPONSE),
            new PeerType<>(20, Message.AppendEntries.class, RaftMessageSerializers.APPEND_ENTRIES),
            new PeerType<>(21, Message.AppendEntriesResponse.class, RaftMessageSerializers.APPEND_ENTRIES_RESPONSE),
            new PeerType<>(22, Message.Heartbeat.class, RaftMessageSerializers.HEARTBEAT),
            new PeerType<>(23, Message.HeartbeatResponse.class, RaftMessageSerializers.HEARTBEAT_RESPONSE),
            new PeerType<>(24, Message.InstallSnapshot.class, RaftMessageSerializers.INSTALL_SNAPSHOT),
            new PeerType<>(25, Message.InstallSnapshotResponse.class, RaftMessageSerializers.INSTALL_SNAPSHOT_RESPONSE),
            new PeerType<>(26, Message.TimeoutNow.class, RaftMessageSerializers.TIMEOUT_NOW),
            new PeerType<>(27, PeerFrame.Hello.class, PeerFrameSerializers.HELLO),
            new PeerType<>(28, PeerFrame.ChunkAck.class, PeerFrameSerializers.CHUNK_ACK),
            // Peer protocol version 2: sent only to a member whose hello said it speaks version 2.
            new PeerType<>(29, Message.ReadIndexRequest.class, RaftMessageSerializers.READ_INDEX_REQUEST),
            new PeerType<>(30, Message.ReadIndexResponse.class, RaftMessageSerializers.READ_INDEX_RESPONSE),
            // Peer protocol version 3: sent only to a member whose hello said it speaks version 3.
            new PeerType<>(31, Message.ProposeRequest.class, RaftMessageSerializers.PROPOSE_REQUEST),
            new PeerType<>(32, Message.ProposeResponse.class, RaftMessageSerializers.PROPOSE_RESPONSE));

    /** The largest registration id: a tagged object's id takes one byte. */
    static final int MAX_TYPE_ID = 127;

    private static final Map<Class<?>, PeerType<?>> BY_CLASS =
            TYPES.stream().collect(Collectors.toUnmodifiableMap(PeerType::type, Function.identity()));

    /** {@link #BY_CLASS} cached on each class: sizes are asked for on every send, so this lookup is hot. */
    private static final ClassValue<PeerType<?>> PEER_TYPE = new ClassValue<>() {
        @Override
        protected PeerType<?> computeValue(Class<?> type) {
            return BY_CLASS.get(type);
        }
    };

    private static final ThreadLocal<PeerKryo> PER_THREAD = ThreadLocal.withInitial(PeerKryo::new);

    /** What the reused buffers start at, and shrink back to after a larger message, so a thread keeps little. */
    private static final int SCRATCH_BYTES = 16 * 1024;

    private static final byte[] NOTHING = new byte[0];

    private final Kryo kryo = new Kryo();
    private final Input input = new Input();
    private final Output output = new Output(SCRATCH_BYTES, -1);
    private byte[] copyOfDirectBytes = new byte[SCRATCH_BYTES];

    static {
        for (PeerType<?> type : TYPES) {
            if (type.id() > MAX_TYPE_ID) {
                throw new IllegalStateException(type + " is over id " + MAX_TYPE_ID);
            }
        }
    }

    private PeerKryo() {
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        for (PeerType<?> type : TYPES) {
            kryo.register(type.type(), type.serializer(), type.id());
        }
    }

    /** This thread's instance. */
    static PeerKryo current() {
        return PER_THREAD.get();
    }

    /** The exact bytes {@link #write} takes for {@code value}: its type id if tagged, then the object. */
    static long encodedSize(Object value, boolean tagged) {
        return (tagged ? 1 : 0) + encodedSizeOf(peerType(value.getClass()), value);
    }

    /**
     * Appends {@code value}, preceded by its type id if {@code tagged}, to {@code out}. Kryo writes
     * into this thread's reused array, copied into {@code out} in one go: Kryo's own writes to a
     * ByteBuffer go byte by byte.
     */
    void write(Object value, boolean tagged, ByteBuf out) {
        // Frames are allocated at their exact size, so what out has room for sizes the array at once, not by doubling.
        if (output.getBuffer().length < out.writableBytes()) {
            output.setBuffer(new byte[out.writableBytes()], -1);
        }
        output.setPosition(0);
        try {
            if (tagged) {
                output.writeVarInt(peerType(value.getClass()).id(), true);
            }
            kryo.writeObject(output, value); // VersionedSerializer checks that it wrote the size it announced
            out.writeBytes(output.getBuffer(), 0, output.position());
        } catch (KryoException e) {
            throw new IllegalStateException("cannot encode " + value + ": " + e.getMessage(), e);
        } finally {
            if (output.getBuffer().length > SCRATCH_BYTES) {
                output.setBuffer(new byte[SCRATCH_BYTES], -1);
            }
        }
    }

    /**
     * Decodes the one object that fills {@code in}'s readable bytes, consuming them: a registered
     * subtype of {@code expected} named by its type id if {@code tagged}, else {@code expected} itself.
     *
     * @param what what is decoded, for error messages ("Raft message", "PEER_HELLO")
     * @throws MalformedFrameException if the bytes are not exactly one well-formed object
     */
    <T> T read(ByteBuf in, Class<T> expected, boolean tagged, String what) {
        int length = in.readableBytes();
        if (in.hasArray()) {
            input.setBuffer(in.array(), in.arrayOffset() + in.readerIndex(), length);
        } else {
            if (copyOfDirectBytes.length < length) {
                copyOfDirectBytes = new byte[length];
            }
            in.getBytes(in.readerIndex(), copyOfDirectBytes, 0, length);
            input.setBuffer(copyOfDirectBytes, 0, length);
        }
        int start = input.position();
        try {
            Class<? extends T> type = tagged ? taggedType(expected, what) : expected;
            T value = kryo.readObject(input, type);
            if (input.position() != input.limit()) {
                throw new MalformedFrameException("malformed " + what + ": " + (input.limit() - input.position())
                        + " unexpected trailing bytes");
            }
            in.skipBytes(input.position() - start);
            return value;
        } catch (KryoException e) {
            // Kryo's own checks: bytes ran out inside a varint or field, or a varint ran over nine bytes.
            throw new MalformedFrameException("malformed " + what + ": truncated or garbled ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException("malformed " + what + ": " + e.getMessage(), e);
        } finally {
            input.setBuffer(NOTHING);
            if (copyOfDirectBytes.length > SCRATCH_BYTES) {
                copyOfDirectBytes = new byte[SCRATCH_BYTES];
            }
        }
    }

    private <T> Class<? extends T> taggedType(Class<T> expected, String what) {
        int id = input.readVarInt(true);
        Registration registration = kryo.getClassResolver().getRegistration(id);
        // Only our own types: Kryo's built-in ones (String, ...) would allocate whatever the input says.
        if (registration == null || !(registration.getSerializer() instanceof VersionedSerializer)
                || !expected.isAssignableFrom(registration.getType())) {
            throw new MalformedFrameException("malformed " + what + ": unknown type id " + Integer.toUnsignedString(id));
        }
        return registration.getType().asSubclass(expected);
    }

    @SuppressWarnings("unchecked")
    private static <T> long encodedSizeOf(PeerType<T> type, Object value) {
        return type.serializer().encodedSize((T) value);
    }

    private static PeerType<?> peerType(Class<?> type) {
        PeerType<?> peerType = PEER_TYPE.get(type);
        if (peerType == null) {
            throw new IllegalArgumentException(type.getName() + " is not a registered peer type");
        }
        return peerType;
    }
}
