package io.tern.server.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.platform.IoTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A follower forwarding to a leader that does not keep up: what it queues for that leader stays
 * bounded, in bytes and in requests, and what it cannot queue is refused as never sent.
 */
@Timeout(60)
class LeaderForwarderBoundsTest {

    private static final IoTransport IO = IoTransport.best();

    private EventLoopGroup group;
    private LeaderForwarder forwarder;
    private ServerSocket leader;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        group = IO.newEventLoopGroup(1, "forwarder-test");
        forwarder = new LeaderForwarder(group, IO.socketChannel(), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() throws IOException {
        forwarder.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (leader != null) {
            leader.close();
        }
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    /** A "leader" that accepts connections and never answers; it reads what arrives only if {@code reads}. */
    private String silentLeader(boolean reads) throws IOException {
        leader = new ServerSocket();
        leader.setReceiveBufferSize(64 * 1024);
        leader.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Socket socket = leader.accept();
                    accepted.add(socket);
                    if (reads) {
                        Thread.ofPlatform().daemon().start(() -> discardAll(socket));
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        });
        return "127.0.0.1:" + leader.getLocalPort();
    }

    private static void discardAll(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // a leader that reads but never answers
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void forwardsToALeaderThatReadsNothingAreRefusedOnceItsConnectionBacksUp() throws IOException {
        String address = silentLeader(false);
        byte[] value = new byte[1 << 20];
        int attempts = 256;
        int taken = 0;
        Throwable refusal = null;
        for (int i = 1; refusal == null && i <= attempts; i++) {
            CompletableFuture<Response> answer = forwarder.forward(new Request.Put(i, new byte[] {'k'}, value), address);
            int takenBefore = taken;
            // Decided at once: refused, or sent and waiting for an answer that never comes.
            await(() -> answer.isDone() || forwarder.pendingForwards() > takenBefore, "forward " + i + " to be decided");
            if (answer.isDone()) {
                refusal = failureOf(answer);
            } else {
                taken++;
            }
        }
        if (refusal == null) {
            fail("forwarded " + attempts + " MiB to a leader that reads nothing without refusing anything; "
                    + forwarder.queuedBytes() + " bytes are queued for it");
        }
        ForwardFailedException refused = assertInstanceOf(ForwardFailedException.class, refusal);
        assertFalse(refused.sent(), "a refused forward was never sent, so it was certainly not applied");
        long bound = LeaderForwarder.TO_LEADER_WATER_MARK.high() + ProtocolLimits.MAX_FRAME_BODY_BYTES;
        assertTrue(forwarder.queuedBytes() <= bound, forwarder.queuedBytes() + " bytes queued for the leader");
    }

    @Test
    void forwardsToALeaderThatNeverAnswersStopAtThePendingBound() throws IOException {
        String address = silentLeader(true);
        int attempts = LeaderForwarder.MAX_PENDING + 2_000;
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        answers.add(forwarder.forward(new Request.Get(1, ReadMode.LINEARIZABLE, 0, new byte[] {'k'}), address));
        await(() -> forwarder.pendingForwards() == 1, "the connection to the leader");
        for (int i = 2; i <= attempts; i++) {
            answers.add(forwarder.forward(new Request.Get(i, ReadMode.LINEARIZABLE, 0, new byte[] {'k'}), address));
        }
        await(() -> answers.stream().filter(CompletableFuture::isDone).count() + forwarder.pendingForwards() == attempts,
                "every forward to be decided");
        assertEquals(LeaderForwarder.MAX_PENDING, forwarder.pendingForwards(), "forwards waiting for the leader");
        for (CompletableFuture<Response> answer : answers) {
            if (answer.isDone()) {
                ForwardFailedException refused = assertInstanceOf(ForwardFailedException.class, failureOf(answer));
                assertFalse(refused.sent());
            }
        }
    }
}
