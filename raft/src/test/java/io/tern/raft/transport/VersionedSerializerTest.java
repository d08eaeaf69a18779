package io.tern.raft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Test;

/** A rolling upgrade, in miniature: release 1 of a type has one field, release 2 appends another. */
class VersionedSerializerTest {

    record Point(long x, long y) {
    }

    /** Release 1 writes and knows only x; it reads y as 0. */
    static final class Release1 extends VersionedSerializer<Point> {
        Release1() {
            super("Point");
        }

        @Override
        long fieldsSize(Point p) {
            return sizeOf(p.x());
        }

        @Override
        void writeFields(Kryo kryo, Output out, Point p) {
            out.writeVarLong(p.x(), true);
        }

        @Override
        Point readFields(FieldInput in) {
            return new Point(in.varLong("x"), 0);
        }
    }

    /** Release 2 appends y, and defaults it to -1 when an older member did not send it. */
    static final class Release2 extends VersionedSerializer<Point> {
        Release2() {
            super("Point");
        }

        @Override
        long fieldsSize(Point p) {
            return sizeOf(p.x()) + sizeOf(p.y());
        }

        @Override
        void writeFields(Kryo kryo, Output out, Point p) {
            out.writeVarLong(p.x(), true);
            out.writeVarLong(p.y(), true);
        }

        @Override
        Point readFields(FieldInput in) {
            long x = in.varLong("x");
            return new Point(x, in.hasMore() ? in.varLong("y") : -1);
        }
    }

    @Test
    void anOlderMemberSkipsAFieldItDoesNotKnow() {
        byte[] newer = write(new Release2(), new Point(300, 5_000_000));
        Input in = new Input(newer);
        assertEquals(new Point(300, 0), read(new Release1(), in));
        assertTrue(in.end(), "the unknown field was skipped, not left for the next reader");
    }

    @Test
    void aNewerMemberDefaultsAFieldAnOlderOneDidNotSend() {
        byte[] older = write(new Release1(), new Point(300, 5_000_000));
        assertEquals(new Point(300, -1), read(new Release2(), new Input(older)));
    }

    @Test
    void theSameReleaseRoundTripsAndPredictsItsSize() {
        Release2 serializer = new Release2();
        Point point = new Point(Long.MAX_VALUE, 1);
        byte[] bytes = write(serializer, point);
        assertEquals(serializer.encodedSize(point), bytes.length);
        assertEquals(point, read(serializer, new Input(bytes)));
    }

    @Test
    void aMissingFieldThatEveryReleaseWritesIsMalformed() {
        byte[] empty = {0};
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> read(new Release1(), new Input(empty)));
        assertTrue(e.getMessage().contains("malformed Point: missing x"), e.getMessage());
    }

    @Test
    void fieldsThatOverrunTheirLengthAreMalformed() {
        // Says one byte of fields, but x's varint continues into the byte after them.
        byte[] overrun = {1, (byte) 0x80, 1};
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> read(new Release1(), new Input(overrun)));
        assertTrue(e.getMessage().contains("overran"), e.getMessage());
    }

    private static byte[] write(VersionedSerializer<Point> serializer, Point point) {
        Kryo kryo = new Kryo();
        Output out = new Output(32, -1);
        serializer.write(kryo, out, point);
        return out.toBytes();
    }

    private static Point read(VersionedSerializer<Point> serializer, Input in) {
        return serializer.read(new Kryo(), in, Point.class);
    }
}
