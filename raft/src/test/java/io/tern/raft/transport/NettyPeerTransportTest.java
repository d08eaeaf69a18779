package io.tern.raft.transport;

import io.tern.platform.IoTransport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.core.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real transports on loopback: every port is picked by the OS. */
class NettyPeerTransportTest {

    private static final String CLUSTER = "test-cluster";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @AfterEach
    void closeEverything() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
    }

    @ParameterizedTest
    @EnumSource(IoTransport.class)
    void exchangesEveryKindOfMessageBothWaysInOrder(IoTransport io) throws Exception {
        assumeTrue(io.isAvailable(), io + " is not available here");
        RecordingInbound inboxA = new RecordingInbound();
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, inboxA, config -> config.withIo(io));
        NettyPeerTransport b = start(2, inboxB, config -> config.withIo(io));
        a.updatePeers(Map.of(2L, b.localAddress()));
        b.updatePeers(Map.of(1L, a.localAddress()));
        awaitConnected(a, 1, 2);
        awaitConnected(b, 2, 1);

        List<Message> fromA = new ArrayList<>(SampleMessages.everyKind().stream()
                .filter(m -> m.from() == 1 && m.to() == 2).toList());
        List<Message> fromB = new ArrayList<>(SampleMessages.everyKind().stream()
                .filter(m -> m.from() == 2 && m.to() == 1).toList());
        for (int i = 0; i < 200; i++) {
            fromA.add(new Message.Heartbeat(1, 2, 7, i, i));
            fromB.add(new Message.HeartbeatResponse(2, 1, 7, i));
        }
        long probesSentA = a.peerStats().get(2L).sent();
        long probesSentB = b.peerStats().get(1L).sent();
        fromA.forEach(a::send);
        fromB.forEach(b::send);

        assertEquals(fromA, receive(inboxB, fromA.size()));
        assertEquals(fromB, receive(inboxA, fromB.size()));
        await("A's sent count", () -> a.peerStats().get(2L).sent() == probesSentA + fromA.size());
        await("B's sent count", () -> b.peerStats().get(1L).sent() == probesSentB + fromB.size());
    }

    @Test
    void knowsThePeerProtocolVersionOfAMemberWhileItsConnectionIsOpen() throws Exception {
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        NettyPeerTransport b = start(2, new RecordingInbound(), UnaryOperator.identity());
        assertEquals(0, b.peerVersion(1), "unknown before member 1 said hello");
        a.updatePeers(Map.of(2L, b.localAddress()));
        a.send(new Message.Heartbeat(1, 2, 1, 0, 0));
        await("member 1's hello at member 2", () -> b.peerVersion(1) == PeerFrame.Hello.VERSION);
        assertEquals(0, a.peerVersion(2), "member 2 has not connected to member 1");
        a.close();
        await("member 1 unknown again once its connection closed", () -> b.peerVersion(1) == 0);
    }

    @Test
    void carriesAFourMebibyteAppendEntries() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));
        awaitConnected(a, 1, 2);

        Message large = SampleMessages.appendEntriesWithPayload(4 * 1024 * 1024);
        a.send(large);
        assertEquals(large, inboxB.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aPeerThatSaysHelloIsConnectedToAtOnceNotAfterTheBackoff() throws Exception {
        int port = freePort();
        // A backoff of an hour: only the peer's hello can bring the next attempt forward within the test.
        AtomicInteger reconnectsScheduled = new AtomicInteger();
        NettyPeerTransport a = start(1, new RecordingInbound(), config -> config.withReconnectBackoff(
                new Backoff(Duration.ofHours(1), Duration.ofHours(1), () -> {
                    reconnectsScheduled.incrementAndGet();
                    return 0.5;
                })));
        a.updatePeers(Map.of(2L, new InetSocketAddress(LOOPBACK, port)));
        await("A's first attempt to fail", () -> reconnectsScheduled.get() == 1);

        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport b = start(2, inboxB, config -> config.withListenAddress(new InetSocketAddress(LOOPBACK, port)));
        b.updatePeers(Map.of(1L, a.localAddress())); // B connects to A and says hello, as a joining member does
        await("A connected to B, without waiting its hour", () -> a.isConnected(2));
    }

    @Test
    void reachesAPeerThatStartsLater() throws Exception {
        int port = freePort();
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        a.updatePeers(Map.of(2L, new InetSocketAddress(LOOPBACK, port)));
        AtomicInteger saidNotSent = new AtomicInteger();
        a.send(new Message.Heartbeat(1, 2, 1, 0, 0), saidNotSent::incrementAndGet);
        assertFalse(a.isConnected(2));
        assertEquals(1, a.peerStats().get(2L).dropped(), "a message to a peer that is down is dropped");
        assertEquals(1, saidNotSent.get(), "and the sender is told it never left");

        RecordingInbound inboxB = new RecordingInbound();
        start(2, inboxB, config -> config.withListenAddress(new InetSocketAddress(LOOPBACK, port)));
        long deadline = System.nanoTime() + WAIT.toNanos();
        Message received = null;
        for (long attempt = 1; received == null && System.nanoTime() < deadline; attempt++) {
            a.send(new Message.Heartbeat(1, 2, 1, 0, attempt));
            received = inboxB.messages.poll(20, TimeUnit.MILLISECONDS);
        }
        assertNotNull(received, "no message arrived after the peer came up");
        assertTrue(a.isConnected(2));
    }

    @Test
    void tellsItsHandlerWhenAConnectionToAPeerOpensAndWhatItSendsThenArrives() throws Exception {
        int port = freePort();
        RecordingInbound inboxA = new RecordingInbound();
        NettyPeerTransport a = start(1, inboxA, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, new InetSocketAddress(LOOPBACK, port)));
        a.send(new Message.Heartbeat(1, 2, 1, 0, 0)); // dropped: member 2 is not listening yet
        assertFalse(a.isConnected(2));
        assertTrue(inboxA.reachable.isEmpty(), "no connection has opened");

        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport b = start(2, inboxB, config -> config.withListenAddress(new InetSocketAddress(LOOPBACK, port)));
        b.updatePeers(Map.of(1L, a.localAddress())); // its hello brings A's next attempt forward
        assertEquals(2L, inboxA.reachable.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "A is told member 2 is reachable");
        Message sentOnTheNews = new Message.Heartbeat(1, 2, 1, 0, 42);
        a.send(sentOnTheNews);
        assertEquals(sentOnTheNews, inboxB.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertNull(inboxA.reachable.poll(), "told once per connection");
    }

    @Test
    void aSnapshotChunkCompletesOnlyOnceTheReceiverAcknowledgesIt() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));

        // Not connected yet: the chunk waits for the connection instead of being dropped.
        SnapshotChunk first = SnapshotChunk.metadata(0, "{\"index\":5000}".getBytes(StandardCharsets.UTF_8), false);
        CompletableFuture<Void> sent = a.sendSnapshotChunk(2, 5000, first);
        RecordingInbound.ReceivedChunk received = inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "the chunk never arrived");
        assertEquals(1, received.fromPeer());
        assertEquals(5000, received.snapshotIndex());
        assertEquals(first, received.chunk());
        assertFalse(sent.isDone(), "the sender's future must wait for the receiver's ack");

        received.installed().complete(null);
        sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        SnapshotChunk second = SnapshotChunk.fileData("000012.sst", 0, new byte[64 * 1024], true);
        CompletableFuture<Void> refused = a.sendSnapshotChunk(2, 5000, second);
        RecordingInbound.ReceivedChunk receivedSecond = inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(second, receivedSecond.chunk());
        receivedSecond.installed().completeExceptionally(new IOException("checksum mismatch in 000012.sst"));
        Throwable cause = failureOf(refused);
        assertInstanceOf(SnapshotChunkRefusedException.class, cause);
        assertTrue(cause.getMessage().contains("checksum mismatch in 000012.sst"), cause.getMessage());
        assertTrue(a.isConnected(2), "a refused chunk leaves the connection open");
    }

    @Test
    void aSnapshotChunkWithoutAnAckTimesOut() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, new RecordingInbound(), config -> config.withChunkAckTimeout(Duration.ofMillis(200)));
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));

        CompletableFuture<Void> sent = a.sendSnapshotChunk(2, 1, SnapshotChunk.metadata(0, new byte[] {1}, true));
        assertNotNull(inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, failureOf(sent));
    }

    @Test
    void aSnapshotChunkFailsWhenTheConnectionIsLost() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));

        CompletableFuture<Void> sent = a.sendSnapshotChunk(2, 1, SnapshotChunk.metadata(0, new byte[] {1}, true));
        assertNotNull(inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        b.close();
        assertInstanceOf(PeerConnectionLostException.class, failureOf(sent));
    }

    @Test
    void removingAPeerClosesItsConnectionAndFailsItsChunks() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        EventLoopGroup serverThreads = IoTransport.best().newEventLoopGroup(1, "tern-peer-test");
        toClose.push(() -> serverThreads.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        PeerServer b = PeerServer.bind(new InetSocketAddress(LOOPBACK, 0), serverThreads, IoTransport.best(), CLUSTER,
                inboxB, new PeerVersions());
        toClose.push(b);
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));
        awaitConnected(a, 1, 2);
        await("B sees A's connection", () -> b.connectionCount() == 1);
        CompletableFuture<Void> sent = a.sendSnapshotChunk(2, 1, SnapshotChunk.metadata(0, new byte[] {1}, true));
        assertNotNull(inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

        a.updatePeers(Map.of());
        await("B sees the connection close", () -> b.connectionCount() == 0);
        assertInstanceOf(PeerConnectionLostException.class, failureOf(sent));
        assertFalse(a.isConnected(2));
        assertFalse(a.peerStats().containsKey(2L));
        a.send(new Message.Heartbeat(1, 2, 1, 0, 0));
        assertEquals(1, a.droppedForUnknownPeers());
    }

    @Test
    void messagesToUnknownPeersAreDroppedAndCounted() throws Exception {
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        a.updatePeers(Map.of(1L, new InetSocketAddress(LOOPBACK, 1))); // itself: ignored
        assertEquals(Map.of(), a.peerStats());
        AtomicInteger saidNotSent = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            a.send(new Message.TimeoutNow(1, 9, 1), saidNotSent::incrementAndGet);
        }
        a.send(new Message.TimeoutNow(1, 1, 1), saidNotSent::incrementAndGet);
        assertEquals(4, a.droppedForUnknownPeers());
        assertEquals(4, saidNotSent.get(), "the sender is told that each never left");
        CompletableFuture<Void> chunk = a.sendSnapshotChunk(9, 1, SnapshotChunk.metadata(0, new byte[] {1}, true));
        assertInstanceOf(IllegalArgumentException.class, failureOf(chunk));
    }

    @Test
    void aFullOutboundQueueDropsMessagesButChunksWaitForRoom() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport a = start(1, new RecordingInbound(), config -> config.withMaxQueuedBytesPerPeer(1024));
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        a.updatePeers(Map.of(2L, b.localAddress()));
        awaitConnected(a, 1, 2);
        PeerStats before = a.peerStats().get(2L);

        // Hold A's only I/O thread so that nothing queued for B can drain.
        CountDownLatch release = new CountDownLatch(1);
        a.eventLoopGroup().next().execute(() -> awaitLatch(release));
        Message first = SampleMessages.appendEntriesWithPayload(2048);
        AtomicInteger firstNotSent = new AtomicInteger();
        AtomicInteger heartbeatsNotSent = new AtomicInteger();
        a.send(first, firstNotSent::incrementAndGet); // an empty queue takes any one frame
        a.send(new Message.Heartbeat(1, 2, 5, 0, 1), heartbeatsNotSent::incrementAndGet);
        a.send(new Message.Heartbeat(1, 2, 5, 0, 2), heartbeatsNotSent::incrementAndGet);
        CompletableFuture<Void> chunk = a.sendSnapshotChunk(2, 1, SnapshotChunk.metadata(0, new byte[4096], true));
        assertEquals(before.dropped() + 2, a.peerStats().get(2L).dropped());
        assertEquals(2, heartbeatsNotSent.get(), "the sender is told of each dropped heartbeat");
        release.countDown();

        assertEquals(first, inboxB.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        RecordingInbound.ReceivedChunk received = inboxB.chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "the chunk must wait for room, not be dropped");
        received.installed().complete(null);
        chunk.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await("A counts the first message sent", () -> a.peerStats().get(2L).sent() == before.sent() + 1);
        assertNull(inboxB.messages.poll(), "the dropped heartbeats must not arrive");
        assertEquals(0, firstNotSent.get(), "a message that left is never said not to have");
    }

    @Test
    void aConnectionFromAnotherClusterIsRefused() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        Message message = new Message.Heartbeat(1, 2, 1, 0, 0);

        try (Socket socket = rawConnection(b.localAddress())) {
            write(socket, new PeerFrame.Hello(1, "another-cluster"), new PeerFrame.RaftMessage(message));
            assertClosedByPeer(socket);
        }
        assertNull(inboxB.messages.poll(), "nothing from another cluster may be delivered");

        // The same bytes with the right cluster id get through, so it was the id that was refused.
        try (Socket socket = rawConnection(b.localAddress())) {
            write(socket, new PeerFrame.Hello(1, CLUSTER), new PeerFrame.RaftMessage(message));
            assertEquals(message, inboxB.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aConnectionThatDoesNotStartWithHelloIsClosed() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        try (Socket socket = rawConnection(b.localAddress())) {
            write(socket, new PeerFrame.RaftMessage(new Message.Heartbeat(1, 2, 1, 0, 0)));
            assertClosedByPeer(socket);
        }
        assertNull(inboxB.messages.poll());
    }

    @Test
    void anOversizedLengthPrefixClosesTheConnectionWithoutWaitingForTheBody() throws Exception {
        RecordingInbound inboxB = new RecordingInbound();
        NettyPeerTransport b = start(2, inboxB, UnaryOperator.identity());
        Message before = new Message.Heartbeat(1, 2, 1, 0, 0);
        try (Socket socket = rawConnection(b.localAddress())) {
            write(socket, new PeerFrame.Hello(1, CLUSTER), new PeerFrame.RaftMessage(before));
            // A 4 GiB announcement and not one byte of it: the peer must hang up on the prefix alone.
            socket.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            socket.getOutputStream().flush();
            assertClosedByPeer(socket);
        }
        assertEquals(before, inboxB.messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closeFailsPendingChunksAndStopsTheThreads() throws Exception {
        NettyPeerTransport a = start(1, new RecordingInbound(), UnaryOperator.identity());
        a.updatePeers(Map.of(2L, new InetSocketAddress(LOOPBACK, freePort())));
        CompletableFuture<Void> chunk = a.sendSnapshotChunk(2, 1, SnapshotChunk.metadata(0, new byte[] {1}, true));
        a.close();
        assertInstanceOf(PeerConnectionLostException.class, failureOf(chunk));
        assertTrue(a.eventLoopGroup().isTerminated());
        a.send(new Message.TimeoutNow(1, 2, 1)); // after close: dropped, never thrown
        assertEquals(1, a.droppedForUnknownPeers());
    }

    private NettyPeerTransport start(long id, PeerTransport.InboundHandler inbound,
            UnaryOperator<PeerTransportConfig> tweak) {
        PeerTransportConfig config = PeerTransportConfig.defaults(id, CLUSTER)
                .withListenAddress(new InetSocketAddress(LOOPBACK, 0))
                .withReconnectBackoff(new Backoff(Duration.ofMillis(5), Duration.ofMillis(100), Math::random));
        NettyPeerTransport transport = new NettyPeerTransport(tweak.apply(config));
        toClose.push(transport);
        transport.start(inbound);
        return transport;
    }

    /**
     * Opens the lazy connection with one probe, and waits until the probe is accounted for: usually
     * dropped (nothing was connected yet), but sent if the connection won the race, so that tests
     * can count from a settled state.
     */
    private static void awaitConnected(NettyPeerTransport from, long fromId, long peerId) {
        from.send(new Message.Heartbeat(fromId, peerId, 0, 0, RecordingInbound.PROBE));
        await("the connection to member " + peerId, () -> from.isConnected(peerId));
        await("the probe to be counted", () -> {
            PeerStats stats = from.peerStats().get(peerId);
            return stats.sent() + stats.dropped() == 1;
        });
    }

    private static List<Message> receive(RecordingInbound inbox, int count) throws InterruptedException {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received.size() < count) {
            Message next = inbox.messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("received only " + received.size() + " of " + count + " messages");
            }
            received.add(next);
        }
        return received;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static Throwable failureOf(CompletableFuture<Void> future) throws InterruptedException, TimeoutException {
        try {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future succeeded, but it should have failed");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port that was free a moment ago, for a peer that must be addressed before it exists. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static Socket rawConnection(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static void write(Socket socket, PeerFrame... frames) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (PeerFrame frame : frames) {
            ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            encoded.release();
            out.write(bytes);
        }
        out.flush();
    }

    private static void assertClosedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read(), "the peer sent bytes instead of closing");
        } catch (SocketTimeoutException e) {
            fail("the peer kept the connection open");
        } catch (java.net.SocketException e) {
            // a reset is a close too
        }
    }
}
