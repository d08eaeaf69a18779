package io.tern.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * A Kryo serializer for one peer type whose encoding later releases may extend without breaking a
 * rolling upgrade: {@code object := varint n | n bytes of fields}.
 *
 * <p>Rules for whoever changes a type: fields are written in a fixed order and a new field is only
 * ever appended. A reader reads the fields it knows and skips the rest of the {@code n} bytes, so an
 * older member reads a newer member's message; a field appended later is read only if
 * {@link FieldInput#hasMore()} (with a default otherwise), so a newer member reads an older
 * member's message. A field is never removed or retyped, only left at a default.
 *
 * <p>Why not Kryo's {@code CompatibleFieldSerializer} or {@code TaggedFieldSerializer}: both set
 * fields by reflection, which records (every Raft message is one) forbid; Kryo's
 * {@code RecordSerializer} works on records but is positional, so it cannot skip a field it does not
 * know. And this form costs one length varint per object, not a name or tag per field.
 *
 * <p>Serializers are stateless, so one instance serves every {@link Kryo}. The exact size is known
 * before writing ({@link #encodedSize}): frames are allocated at their size, the length prefix comes
 * first, and the frame limit is checked before anything is copied.
 */
abstract class VersionedSerializer<T> extends Serializer<T> {

    private final String name;

    /** @param name the type's name in error messages ("AppendEntries") */
    VersionedSerializer(String name) {
        super(false, true);
        this.name = name;
    }

    /** Bytes of the fields alone. A long: an AppendEntries built without regard to limits may pass 2 GiB. */
    abstract long fieldsSize(T value);

    abstract void writeFields(Kryo kryo, Output out, T value);

    /** Reads the fields this release knows; the caller skips what follows them. */
    abstract T readFields(FieldInput in);

    final String name() {
        return name;
    }

    /** What {@link #write} takes: the length varint and the fields. */
    final long encodedSize(T value) {
        long fields = fieldsSize(value);
        return lengthOfLength(fields) + fields;
    }

    @Override
    public final void write(Kryo kryo, Output out, T value) {
        long fields = fieldsSize(value);
        if (fields > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + name + " of " + fields + " bytes cannot be encoded");
        }
        out.writeVarInt((int) fields, true);
        int start = out.position();
        writeFields(kryo, out, value);
        if (out.position() - start != fields) {
            // A size out of step with its encoding would make every reader misparse: fail the sender instead.
            throw new IllegalStateException(name + " announced " + fields + " bytes of fields and wrote "
                    + (out.position() - start));
        }
    }

    @Override
    public final T read(Kryo kryo, Input in, Class<? extends T> type) {
        int length = in.readVarInt(true);
        int remaining = in.limit() - in.position();
        if (length < 0 || length > remaining) {
            throw new MalformedFrameException("malformed " + name + ": its fields claim "
                    + Integer.toUnsignedString(length) + " bytes but only " + remaining + " remain");
        }
        int end = in.position() + length;
        T value = readFields(new FieldInput(kryo, in, end, name));
        if (in.position() > end) {
            throw new MalformedFrameException("malformed " + name + ": its fields overran their length of " + length);
        }
        in.setPosition(end); // fields a newer member added
        return value;
    }

    static int lengthOfLength(long fieldsSize) {
        return Output.varIntLength((int) Math.min(fieldsSize, Integer.MAX_VALUE), true);
    }

    static int sizeOf(long value) {
        return Output.varLongLength(value, true);
    }

    static long sizeOf(byte[] bytes) {
        return Output.varIntLength(bytes.length, true) + (long) bytes.length;
    }

    static void writeBytes(Output out, byte[] bytes) {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }
}
