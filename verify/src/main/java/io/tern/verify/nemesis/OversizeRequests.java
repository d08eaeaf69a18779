package io.tern.verify.nemesis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.RequestCodec;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.ResponseCodec;
import io.tern.platform.HostPort;
import io.tern.verify.cluster.ClusterControl;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Faults#OVERSIZE} fault: one client sends a node requests at and just over every size
 * limit of the contract (a key of 16 KiB, a value of {@code --max-value-bytes}, a frame of 8 MiB +
 * 64 KiB, and each plus one byte), byte for byte over its own socket, since a well-behaved client
 * refuses to send what is over a limit. What must hold:
 * <ul>
 *   <li>a request at a limit is acknowledged (after retries while the cluster is between leaders),
 *       and every member then reads back the same bytes at its revision;</li>
 *   <li>a request over a limit is answered TOO_LARGE and changes nothing: a small sentinel key that
 *       each of them also tries to write keeps its value on every member;</li>
 *   <li>the cluster keeps committing: a small write afterwards is acknowledged and read everywhere.</li>
 * </ul>
 * Its keys start with {@link #KEY_PREFIX}, apart from the workload's, and are deleted at the end, so
 * the recorded history (whose values would be megabytes) holds none of them; a broken rule is
 * reported as a violation instead.
 */
final class OversizeRequests {

    static final String KEY_PREFIX = "oversize-";

    /** How long a write at a limit may meet UNAVAILABLE or TIMEOUT (a leader change) before that is a violation. */
    static final Duration ACKNOWLEDGE_WAIT = Duration.ofSeconds(30);
    /** How long a member may take to apply a write before its read-back counts as failed. */
    static final Duration READ_BACK_WAIT = Duration.ofSeconds(30);
    /** How long a frame over the limit waits after its header for the answer that must come before its body. */
    static final Duration PREFIX_ANSWER_WAIT = Duration.ofSeconds(2);
    private static final int SOCKET_TIMEOUT_MILLIS = 20_000;
    private static final long RETRY_PAUSE_MILLIS = 200;

    private static final int FRAME = ProtocolLimits.MAX_FRAME_BODY_BYTES;
    private static final int KEY = ProtocolLimits.MAX_KEY_BYTES;
    /** u8 opcode, u64 requestId, and the two u32 lengths of a PUT's key and value. */
    private static final int PUT_FIXED = ProtocolLimits.BODY_HEADER_BYTES + 4 + 4;
    /** u8 opcode, u64 requestId, u32 count. */
    private static final int BATCH_FIXED = ProtocolLimits.BODY_HEADER_BYTES + 4;

    /** What one run did, in words, and every rule it saw broken. */
    record Result(String details, List<String> violations) {
    }

    private final ClusterControl cluster;
    private final int maxValueBytes;
    private final Duration acknowledgeWait;
    private final List<String> done = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private long nextRequestId = 1;
    /** The revision of the last acknowledged write. */
    private long last;
    private String prefix;
    private int target;

    /** @param maxValueBytes the nodes' {@code --max-value-bytes} */
    OversizeRequests(ClusterControl cluster, int maxValueBytes) {
        this(cluster, maxValueBytes, ACKNOWLEDGE_WAIT);
    }

    /** @param acknowledgeWait how long a write at a limit may go unacknowledged (retried) before it is a violation */
    OversizeRequests(ClusterControl cluster, int maxValueBytes, Duration acknowledgeWait) {
        this.cluster = cluster;
        this.maxValueBytes = maxValueBytes;
        this.acknowledgeWait = acknowledgeWait;
    }

    /** Sends every request of step {@code step} to node {@code node} and checks the outcomes. */
    Result run(int step, int node) {
        done.clear();
        violations.clear();
        prefix = KEY_PREFIX + step + "-";
        target = node;
        byte[] sentinel = key("sentinel");
        byte[] before = text("before");
        List<byte[]> written = new ArrayList<>();
        written.add(sentinel);
        if (acknowledgedAndReplicated("sentinel", put(sentinel, before), sentinel, before)) {
            atLimits(written);
            overLimits(sentinel);
            byte[] after = key("after");
            written.add(after);
            if (acknowledgedAndReplicated("a small write afterwards", put(after, text("done")), after, text("done"))) {
                readBackEverywhere("the sentinel after the refused requests", sentinel, before, last);
            }
        }
        List<BatchOp> deletes = written.stream().<BatchOp>map(BatchOp.Delete::new).toList();
        acknowledged("deleting this step's keys", new Request.Batch(nextRequestId++, deletes));
        return new Result("node " + node + ": " + String.join(", ", done), List.copyOf(violations));
    }

    // ---- the requests ----

    private void atLimits(List<byte[]> written) {
        byte[] longestKey = keyOfLength(KEY);
        written.add(longestKey);
        acknowledgedAndReplicated("a key of " + KEY + " bytes", put(longestKey, text("v")), longestKey, text("v"));

        byte[] valueKey = key("value");
        byte[] largestValue = filled(Math.min(maxValueBytes, FRAME - PUT_FIXED - valueKey.length), 1);
        written.add(valueKey);
        acknowledgedAndReplicated("a value of " + largestValue.length + " bytes", put(valueKey, largestValue), valueKey,
                largestValue);

        List<byte[]> batchKeys = new ArrayList<>();
        Request.Batch fullBatch = batchOfBodySize(FRAME, batchKeys, null);
        written.addAll(batchKeys);
        BatchOp.Put lastOp = (BatchOp.Put) fullBatch.ops().getLast();
        acknowledgedAndReplicated("a BATCH of " + FRAME + " bytes (" + fullBatch.ops().size() + " puts)", fullBatch,
                lastOp.key(), lastOp.value());

        int fillingValue = FRAME - PUT_FIXED - longestKey.length;
        if (fillingValue <= maxValueBytes) {
            byte[] value = filled(fillingValue, 3);
            acknowledgedAndReplicated("a PUT of " + FRAME + " bytes with a key of " + KEY + " bytes",
                    put(longestKey, value), longestKey, value);
        }
    }

    private void overLimits(byte[] sentinel) {
        byte[] changed = text("changed");
        tooLarge("a key of " + (KEY + 1) + " bytes", put(keyOfLength(KEY + 1), text("v")));
        tooLarge("a BATCH with a key of " + (KEY + 1) + " bytes", new Request.Batch(nextRequestId++, List.of(
                new BatchOp.Put(sentinel, changed), new BatchOp.Put(keyOfLength(KEY + 1), changed))));
        if ((long) PUT_FIXED + sentinel.length + maxValueBytes + 1 <= FRAME) {
            tooLarge("a value of " + (maxValueBytes + 1) + " bytes", put(sentinel, filled(maxValueBytes + 1, 5)));
        }
        tooLarge("a BATCH of " + (FRAME + 1) + " bytes", batchOfBodySize(FRAME + 1, new ArrayList<>(), sentinel));
        byte[] overFrame = filled(FRAME + 1 - PUT_FIXED - sentinel.length, 7);
        tooLarge("a PUT of " + (FRAME + 1) + " bytes", put(sentinel, overFrame));
    }

    /**
     * A BATCH whose body is exactly {@code bodyBytes}: puts of values no larger than
     * {@code --max-value-bytes}, as few as can fill it, their keys added to {@code keys}; the first
     * puts {@code firstKey} when given.
     */
    private Request.Batch batchOfBodySize(int bodyBytes, List<byte[]> keys, byte[] firstKey) {
        // "batch000" is as long as "sentinel", so every put's fixed part is the same.
        int keyLength = key("batch000").length;
        int opFixed = 1 + 4 + keyLength + 4;
        int ops = (int) Math.ceilDiv((long) bodyBytes - BATCH_FIXED, (long) maxValueBytes + opFixed);
        long values = (long) bodyBytes - BATCH_FIXED - (long) ops * opFixed;
        List<BatchOp> puts = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            byte[] key = i == 0 && firstKey != null ? firstKey : key(String.format("batch%03d", i));
            keys.add(key);
            int length = (int) (values / ops + (i < values % ops ? 1 : 0));
            puts.add(new BatchOp.Put(key, filled(length, 11 + i)));
        }
        return new Request.Batch(nextRequestId++, puts);
    }

    // ---- the rules ----

    /** A write is acknowledged, then {@code key} reads {@code value} on every member at its revision. */
    private boolean acknowledgedAndReplicated(String what, Request request, byte[] key, byte[] value) {
        if (!acknowledged(what, request)) {
            return false;
        }
        return readBackEverywhere(what, key, value, last);
    }

    private boolean acknowledged(String what, Request request) {
        long deadline = System.nanoTime() + acknowledgeWait.toNanos();
        Response answer;
        int attempts = 0;
        while (true) {
            attempts++;
            answer = call(cluster.endpoint(target), request);
            long revision = switch (answer) {
                case null -> -1; // no answer: the node was killed or its connection reset; retried below
                case Response.PutOk ok -> ok.revision();
                case Response.BatchOk ok -> ok.revision();
                default -> -1;
            };
            if (revision > 0) {
                last = revision;
                done.add(what + " acknowledged" + (attempts > 1 ? " after " + attempts + " attempts" : ""));
                return true;
            }
            boolean retryable = answer instanceof Response.Unavailable || answer instanceof Response.Timeout
                    || answer instanceof Response.NotLeader || answer == null;
            if (!retryable || System.nanoTime() - deadline > 0) {
                violations.add(describe(what) + " was not acknowledged: " + summary(answer) + " (attempt "
                        + attempts + ")");
                return false;
            }
            pause();
        }
    }

    private boolean readBackEverywhere(String what, byte[] key, byte[] value, long revision) {
        boolean all = true;
        for (int id : cluster.nodeIds()) {
            long deadline = System.nanoTime() + READ_BACK_WAIT.toNanos();
            Response read;
            do {
                read = call(cluster.endpoint(id), new Request.Get(nextRequestId++, ReadMode.LOCAL, revision, key));
            } while (!(read instanceof Response.GetOk) && !(read instanceof Response.NotFound)
                    && System.nanoTime() - deadline < 0 && pause());
            if (!(read instanceof Response.GetOk found) || !Arrays.equals(found.value(), value)) {
                violations.add(describe(what) + ": member " + id + " reads " + summary(read) + " at revision "
                        + revision + ", not the " + value.length + " bytes written");
                all = false;
            }
        }
        return all;
    }

    private void tooLarge(String what, Request request) {
        Response answer = call(cluster.endpoint(target), request);
        if (answer instanceof Response.TooLarge) {
            done.add(what + " refused");
        } else {
            violations.add(describe(what) + " was answered " + summary(answer) + ", not TOO_LARGE");
        }
    }

    private String describe(String what) {
        return "oversize: " + what + " sent to node " + target;
    }

    // ---- the wire ----

    /**
     * Sends {@code request} as one frame on a connection of its own and returns the answer, or null
     * if none came. The frame is written on another thread while this one waits for the answer. A
     * node answers a frame over the limit as soon as its length prefix arrives, then closes; so such
     * a frame's body follows its header only if no answer came within {@link #PREFIX_ANSWER_WAIT}:
     * bytes the node never read would make its close a reset, which can destroy the answer on its
     * way (through a proxy, say).
     */
    private Response call(String endpoint, Request request) {
        ByteBuf body = Unpooled.buffer();
        RequestCodec.encode(request, body);
        int bodyBytes = body.readableBytes();
        byte[] frame = new byte[ProtocolLimits.LENGTH_PREFIX_BYTES + bodyBytes];
        Unpooled.wrappedBuffer(frame).writerIndex(0).writeInt(bodyBytes).writeBytes(body);
        body.release();
        int head = bodyBytes > FRAME ? ProtocolLimits.LENGTH_PREFIX_BYTES + ProtocolLimits.BODY_HEADER_BYTES
                : frame.length;
        CountDownLatch answered = new CountDownLatch(1);
        HostPort address = HostPort.parse(endpoint);
        try (Socket socket = cluster.clientSecurity().connect(address.host(), address.port())) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(frame, 0, head);
                    out.flush();
                    if (head < frame.length && !answered.await(PREFIX_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        out.write(frame, head, frame.length - head);
                        out.flush();
                    }
                } catch (IOException closedByTheNode) {
                    // The node may close after answering: the answer is read below.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] answer = new byte[in.readInt()];
                in.readFully(answer);
                ByteBuf buf = Unpooled.wrappedBuffer(answer);
                return ResponseCodec.decode(buf, ResponseCodec.peekRequestId(buf) == request.requestId()
                        ? request.opcode() : null);
            } finally {
                answered.countDown();
                writer.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String summary(Response response) {
        if (response == null) {
            return "no answer";
        }
        String text = switch (response) {
            case Response.GetOk ok -> "a value of " + ok.value().length + " bytes";
            case Response.NotFound n -> "nothing";
            case Response.Failure failure -> response.status() + " (" + failure.message() + ")";
            default -> response.getClass().getSimpleName();
        };
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS); // pacing retries against a cluster between leaders
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- keys and values ----

    private Request.Put put(byte[] key, byte[] value) {
        return new Request.Put(nextRequestId++, key, value);
    }

    private byte[] key(String name) {
        return text(prefix + name);
    }

    /** This step's key of exactly {@code length} bytes. */
    private byte[] keyOfLength(int length) {
        return key("k".repeat(length - key("").length));
    }

    private static byte[] filled(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
