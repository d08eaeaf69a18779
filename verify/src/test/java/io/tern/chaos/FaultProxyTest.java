package io.tern.chaos;

import io.tern.chaos.FaultProxy.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link FaultProxy} in front of a plain blocking echo server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyTest {

    private static final long SEED = Long.getLong("tern.proxy.seed", System.nanoTime());

    private EchoServer echo;
    private FaultProxy proxy;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address(), SEED);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        proxy.close();
        echo.close();
    }

    @Test
    void tenThousandNumberedMessagesArriveIntactAndInOrderUnderJitter() throws Exception {
        // Jitter as large as the latency: chunk delays range over 0..4 ms, so any reordering would show.
        proxy.setDelay(Duration.ofMillis(2), Duration.ofMillis(2));
        Socket socket = connect();
        int messages = 10_000;
        CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
            try {
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                long total = 0;
                for (int seq = 0; seq < messages; seq++) {
                    byte[] payload = payload(seq);
                    out.writeInt(seq);
                    out.writeInt(payload.length);
                    out.write(payload);
                    out.flush(); // one write per message: many small chunks through the proxy
                    total += 8 + payload.length;
                }
                return total;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        DataInputStream in = new DataInputStream(socket.getInputStream());
        long read = 0;
        for (int expected = 0; expected < messages; expected++) {
            int seq = in.readInt();
            assertEquals(expected, seq, "message out of order (seed " + SEED + ")");
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            assertArrayEquals(payload(expected), payload, "message " + expected + " has other bytes (seed " + SEED + ")");
            read += 8 + payload.length;
        }
        long total = written.get(30, TimeUnit.SECONDS);
        assertEquals(total, read);
        await(() -> proxy.bytesForwarded(Direction.TO_UPSTREAM) == total
                && proxy.bytesForwarded(Direction.FROM_UPSTREAM) == total,
                () -> "forwarded counters " + proxy.bytesForwarded(Direction.TO_UPSTREAM) + "/"
                        + proxy.bytesForwarded(Direction.FROM_UPSTREAM) + ", expected " + total);
        assertEquals(1, proxy.connectionsAccepted());
    }

    @Test
    void latencyIsAddedToEveryRoundTrip() throws Exception {
        proxy.setDelay(Duration.ofMillis(40), Duration.ZERO);
        Socket socket = connect();
        for (int i = 0; i < 5; i++) {
            long rtt = roundTripNanos(socket, "ping" + i);
            assertTrue(rtt >= TimeUnit.MILLISECONDS.toNanos(80), "round trip " + rtt / 1e6 + " ms < 2 x 40 ms");
        }
        // One direction only, with jitter: at least latency - jitter.
        proxy.setDelay(Direction.FROM_UPSTREAM, Duration.ZERO, Duration.ZERO);
        proxy.setDelay(Direction.TO_UPSTREAM, Duration.ofMillis(60), Duration.ofMillis(20));
        for (int i = 0; i < 5; i++) {
            long rtt = roundTripNanos(socket, "one-way" + i);
            assertTrue(rtt >= TimeUnit.MILLISECONDS.toNanos(40), "round trip " + rtt / 1e6 + " ms < 60 - 20 ms");
        }
    }

    @Test
    void blackholeDropsOneDirectionSilently() throws Exception {
        Socket socket = connect();
        assertEchoes(socket, "before");

        proxy.blackhole(Direction.TO_UPSTREAM);
        long receivedBefore = echo.bytesReceived();
        send(socket, "lost-on-the-way");
        await(() -> proxy.bytesDropped(Direction.TO_UPSTREAM) == "lost-on-the-way".length(),
                () -> "dropped toward upstream: " + proxy.bytesDropped(Direction.TO_UPSTREAM));
        assertNothingArrives(socket);
        assertEquals(receivedBefore, echo.bytesReceived(), "the echo server got bytes through a blackhole");

        proxy.heal();
        socket = connect(); // the first lost bytes: it is reset
        assertEchoes(socket, "again");
        proxy.blackhole(Direction.FROM_UPSTREAM);
        long receivedAgain = echo.bytesReceived();
        send(socket, "lost-on-the-way-back");
        // The server does get them; its answer is what vanishes.
        await(() -> echo.bytesReceived() == receivedAgain + "lost-on-the-way-back".length(),
                () -> "echo server received " + (echo.bytesReceived() - receivedAgain));
        await(() -> proxy.bytesDropped(Direction.FROM_UPSTREAM) == "lost-on-the-way-back".length(),
                () -> "dropped from upstream: " + proxy.bytesDropped(Direction.FROM_UPSTREAM));
        assertNothingArrives(socket);
        assertTrue(socket.isConnected() && !socket.isClosed());
    }

    @Test
    void healRestoresTheConnectionsThatLostNothingAndResetsTheOthers() throws Exception {
        Socket lostBytes = connect();
        assertEchoes(lostBytes, "hello");
        Socket quiet = connect();
        assertEchoes(quiet, "hello too");

        proxy.partition();
        send(lostBytes, "into-the-void");
        await(() -> proxy.bytesDropped(Direction.TO_UPSTREAM) == "into-the-void".length(),
                () -> "dropped: " + proxy.bytesDropped(Direction.TO_UPSTREAM));
        Socket duringPartition = connect(); // TCP is accepted; its bytes are not
        send(duringPartition, "also-lost");
        await(() -> proxy.bytesDropped(Direction.TO_UPSTREAM) == "into-the-void".length() + "also-lost".length(),
                () -> "dropped: " + proxy.bytesDropped(Direction.TO_UPSTREAM));
        assertNothingArrives(lostBytes);

        proxy.heal();
        assertClosedByPeer(lostBytes);
        assertClosedByPeer(duringPartition);
        assertEchoes(quiet, "idle through it");
        assertEchoes(connect(), "brand-new");
    }

    /**
     * TCP never delivers a byte after one it lost: it retransmits or the connection dies. A watch
     * stream that skipped frames and went on would show a gap that no real network makes.
     */
    @Test
    void aConnectionThatLostBytesNeverCarriesAnotherOne() throws Exception {
        Socket socket = connect();
        assertEchoes(socket, "before");

        proxy.blackhole(Direction.FROM_UPSTREAM);
        long receivedBefore = echo.bytesReceived();
        send(socket, "answer-lost");
        await(() -> proxy.bytesDropped(Direction.FROM_UPSTREAM) == "answer-lost".length(),
                () -> "dropped from upstream: " + proxy.bytesDropped(Direction.FROM_UPSTREAM));
        send(socket, "sent-after-the-loss");
        await(() -> echo.bytesReceived() > receivedBefore + "answer-lost".length()
                        || proxy.bytesDropped(Direction.TO_UPSTREAM) > 0,
                () -> "neither delivered nor dropped");
        assertNothingArrives(socket);

        proxy.heal();
        assertClosedByPeer(socket);
    }

    /** A node's second port (its etcd API) suffers every fault its first one does. */
    @Test
    void anAddedRouteForwardsToItsOwnUpstreamUnderTheSameFaults() throws Exception {
        try (EchoServer second = new EchoServer()) {
            InetSocketAddress route = proxy.addRoute(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    second.address());
            Socket first = connect();
            Socket other = connect(route);
            assertEchoes(first, "first route");
            assertEchoes(other, "second route");
            assertEquals(1, second.connections(), "the route's connection reached its own upstream");
            assertEquals("second route".length(), second.bytesReceived());

            proxy.partition();
            send(other, "cut-off");
            await(() -> proxy.bytesDropped(Direction.TO_UPSTREAM) == "cut-off".length(),
                    () -> "dropped toward upstream: " + proxy.bytesDropped(Direction.TO_UPSTREAM));
            assertNothingArrives(other);
            proxy.heal();
            assertClosedByPeer(other);

            proxy.setDelay(Duration.ofMillis(40), Duration.ZERO);
            long rtt = roundTripNanos(connect(route), "slow");
            assertTrue(rtt >= TimeUnit.MILLISECONDS.toNanos(80), "round trip " + rtt / 1e6 + " ms < 2 x 40 ms");
            proxy.setDelay(Duration.ZERO, Duration.ZERO);

            await(() -> proxy.openConnections() == 2, () -> "open connections: " + proxy.openConnections());
            assertEquals(2, proxy.resetConnections(), "the first route's and the second's open connection");
            assertClosedByPeer(first);
        }
    }

    @Test
    void resetConnectionsClosesEveryCurrentConnection() throws Exception {
        List<Socket> before = List.of(connect(), connect(), connect());
        for (Socket socket : before) {
            assertEchoes(socket, "up");
        }
        assertEquals(3, proxy.openConnections());

        assertEquals(3, proxy.resetConnections());

        for (Socket socket : before) {
            assertClosedByPeer(socket);
        }
        await(() -> proxy.openConnections() == 0, () -> "open connections: " + proxy.openConnections());
        assertEchoes(connect(), "a new connection works");
        assertEquals(4, proxy.connectionsAccepted());
    }

    @Test
    void refusingNewConnectionsLeavesExistingOnesAlone() throws Exception {
        Socket existing = connect();
        assertEchoes(existing, "one");

        proxy.setRefuseNew(true);
        Socket refused = connect();
        assertClosedByPeer(refused);
        assertEquals(1, proxy.connectionsRefused());
        assertEchoes(existing, "still here");

        proxy.setRefuseNew(false);
        assertEchoes(connect(), "admitted again");
        assertEquals(2, proxy.connectionsAccepted());
        assertEquals(2, echo.connections(), "a refused connection must not reach the upstream");
    }

    @Test
    void anUpstreamThatDoesNotReadHoldsTheWriterBackAndLosesNothing() throws Exception {
        echo.holdReads();
        proxy.setDelay(Duration.ofMillis(1), Duration.ofMillis(1));
        Socket socket = connect();
        int total = 96 << 20;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                byte[] block = new byte[64 << 10];
                for (int offset = 0; offset < total; offset += block.length) {
                    for (int i = 0; i < block.length; i++) {
                        block[i] = pattern(offset + i);
                    }
                    out.write(block);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        // Without back-pressure the proxy would swallow all 96 MiB at once and the writer would finish.
        assertThrows(TimeoutException.class, () -> writer.get(2, TimeUnit.SECONDS),
                "the writer finished though nobody read: the proxy buffers without bound");
        long heldInProxy = proxy.bytesForwarded(Direction.TO_UPSTREAM);
        assertTrue(heldInProxy < total / 2, "forwarded " + heldInProxy + " bytes to a server that reads nothing");

        echo.releaseReads();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 << 10];
        int read = 0;
        while (read < total) {
            int n = in.read(buffer);
            assertTrue(n > 0, "the stream ended after " + read + " bytes");
            for (int i = 0; i < n; i++) {
                if (buffer[i] != pattern(read + i)) {
                    fail("byte " + (read + i) + " differs");
                }
            }
            read += n;
        }
        writer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void closingTheProxyClosesItsConnectionsAndItsPort() throws Exception {
        Socket socket = connect();
        assertEchoes(socket, "x");
        InetSocketAddress address = proxy.localAddress();
        proxy.close();
        assertClosedByPeer(socket);
        assertThrows(IOException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    // ---- helpers ----

    private Socket connect() throws IOException {
        return connect(proxy.localAddress());
    }

    private Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        sockets.add(socket);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static void assertEchoes(Socket socket, String text) throws IOException {
        send(socket, text);
        socket.setSoTimeout(10_000);
        byte[] back = new byte[text.length()];
        new DataInputStream(socket.getInputStream()).readFully(back);
        assertEquals(text, new String(back, StandardCharsets.UTF_8));
    }

    private static long roundTripNanos(Socket socket, String text) throws IOException {
        long start = System.nanoTime();
        assertEchoes(socket, text);
        return System.nanoTime() - start;
    }

    /** A negative check: it can miss a late byte, never fail a correct proxy. */
    private static void assertNothingArrives(Socket socket) throws IOException {
        socket.setSoTimeout(300);
        try {
            int b = socket.getInputStream().read();
            fail("a byte came through a blackhole: " + b);
        } catch (SocketTimeoutException expected) {
            // Nothing came.
        }
    }

    private static void assertClosedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            int b = socket.getInputStream().read();
            assertEquals(-1, b, "the connection should have been closed");
        } catch (SocketException expectedReset) {
            // A RST: closed as well.
        }
    }

    private static byte[] payload(int seq) {
        byte[] payload = new byte[seq % 61];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (seq * 31 + i);
        }
        return payload;
    }

    private static byte pattern(long position) {
        return (byte) (position % 251);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not reached within 10 s: " + what.get());
            }
            Thread.sleep(5);
        }
    }
}
