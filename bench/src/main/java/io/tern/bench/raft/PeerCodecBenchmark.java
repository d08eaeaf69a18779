package io.tern.bench.raft;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.tern.raft.core.Message;
import io.tern.raft.transport.RaftMessageCodec;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Raft message encoded into a pooled direct buffer and decoded back, as a peer connection does
 * on each side: a heartbeat, and AppendEntries carrying 1 or 64 entries of 100 bytes. It calls only
 * {@link RaftMessageCodec}'s {@code encodedSize}, {@code encode} and {@code decode}, so the same
 * source measures any codec behind that facade (the hand-written one and the Kryo one alike).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PeerCodecBenchmark {

    private static final int PAYLOAD_BYTES = 100;

    @Param({"heartbeat", "append1", "append64"})
    public String message;

    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private Message sample;

    @Setup
    public void setUp() {
        sample = switch (message) {
            case "heartbeat" -> new Message.Heartbeat(1, 2, 7, 123_456, 42);
            case "append1" -> appendEntries(1);
            case "append64" -> appendEntries(64);
            default -> throw new IllegalArgumentException("unknown message " + message);
        };
    }

    @Benchmark
    public Message encodeAndDecode() {
        ByteBuf buffer = allocator.ioBuffer((int) RaftMessageCodec.encodedSize(sample));
        try {
            RaftMessageCodec.encode(sample, buffer);
            return RaftMessageCodec.decode(buffer);
        } finally {
            buffer.release();
        }
    }

    private static Message.AppendEntries appendEntries(int count) {
        Random random = new Random(count);
        List<LogEntry> entries = new ArrayList<>(count);
        long firstIndex = 1_000_001;
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[PAYLOAD_BYTES];
            random.nextBytes(payload);
            entries.add(new LogEntry(firstIndex + i, 7, EntryKind.COMMAND, payload));
        }
        return new Message.AppendEntries(1, 2, 7, firstIndex - 1, 7, entries, firstIndex - 1);
    }
}
