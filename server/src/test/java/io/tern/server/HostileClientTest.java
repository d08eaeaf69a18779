package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.FrameWriter;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that try to make a node hold more and more memory: each is stopped by a bound, and the
 * node stays responsive. Unless a test says otherwise, the node runs with the short timeouts of
 * {@link TestServers}: a request times out after 3 s, a stalled connection is closed after 0.5 s.
 */
@Timeout(60)
class HostileClientTest {

    /** {@code ClientConnection.MAX_IN_FLIGHT}: the requests one connection may have in flight. */
    private static final int REQUESTS_PER_CONNECTION = 4096;
    /** {@code ClientConnection.MAX_IN_FLIGHT_BYTES}. */
    private static final long IN_FLIGHT_BYTES_PER_CONNECTION = 16L << 20;
    /** {@code Applier.MAX_READS_WAITING}. */
    private static final int MAX_READS_WAITING = 10_000;
    /** A revision no write will reach while the test runs. */
    private static final long FAR_FUTURE = Long.MAX_VALUE;

    @TempDir
    Path data;

    private TernServer server;
    private final List<RawConnection> connections = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (RawConnection connection : connections) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start() throws InterruptedException {
        start(TestServers.single(data));
    }

    private void start(ServerConfig config) throws InterruptedException {
        server = TernServer.start(config);
        TestServers.await("leadership", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
    }

    private RawConnection connect() throws IOException {
        RawConnection connection = new RawConnection(server.boundAddress());
        connections.add(connection);
        return connection;
    }

    private static int frameBytes(Request request) {
        ByteBuf frame = Unpooled.buffer();
        FrameWriter.writeRequest(request, frame);
        return frame.readableBytes();
    }

    @Test
    void aClientPipeliningLargeRequestsIsReadOnlyUpToTheInFlightByteBound() throws Exception {
        start();
        byte[] start = new byte[ProtocolLimits.MAX_KEY_BYTES];
        byte[] end = new byte[ProtocolLimits.MAX_KEY_BYTES];
        Arrays.fill(end, (byte) 0xFF);
        int frameBytes = frameBytes(new Request.Scan(1, ReadMode.LOCAL, FAR_FUTURE, start, end, 0));

        RawConnection hostile = connect();
        // LOCAL scans for a revision never reached hold their request until the request timeout;
        // sent without reading a single answer, from a thread that blocks once the server stops reading.
        Thread sender = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 1; i <= REQUESTS_PER_CONNECTION; i++) {
                    hostile.send(new Request.Scan(i, ReadMode.LOCAL, FAR_FUTURE, start, end, 0));
                }
            } catch (IOException e) {
                // the test closed the connection
            }
        });
        TestServers.await("the node to hold a bound's worth of reads", Duration.ofSeconds(10),
                () -> (long) server.node().readsWaiting() * frameBytes >= IN_FLIGHT_BYTES_PER_CONNECTION);
        // Longer than the stall timeout, shorter than the request timeout: the reads are all still waiting.
        long mostHeld = 0;
        long watchUntil = System.nanoTime() + Duration.ofMillis(1_200).toNanos();
        while (System.nanoTime() < watchUntil) {
            mostHeld = Math.max(mostHeld, (long) server.node().readsWaiting() * frameBytes);
            Thread.sleep(20);
        }

        // One socket read's worth of frames may be decoded after the bound is crossed. (What the heap
        // holds is this, not measured: a heap figure after System.gc() depends on the collector.)
        long slack = 1L << 20;
        assertTrue(mostHeld <= IN_FLIGHT_BYTES_PER_CONNECTION + slack, "the node took " + mostHeld
                + " bytes of requests from one connection that reads no answers");
        assertEquals(1, server.openConnections(), "a connection the server stopped reading is not closed as stalled");
        assertTrue(sender.isAlive(), "the sender is held back by the server");

        // Once the held reads time out the server answers them and reads on.
        var first = assertInstanceOf(Response.Timeout.class, hostile.receive());
        assertEquals(1, first.requestId());
        TestServers.await("the server to read further requests", Duration.ofSeconds(10),
                () -> server.node().readsWaiting() > 0);
    }

    @Test
    void localReadsBeyondTheWaitingBoundAreRefusedAndTheRestAreServedOnceTheRevisionIsReached() throws Exception {
        // A request timeout far longer than sending every read takes, however loaded the machine: no
        // read leaves by timing out while the test counts (timing out is the next test's).
        start(withRequestTimeout(TestServers.single(data), Duration.ofMinutes(5)));
        RawConnection writer = connect();
        long next = ((Response.PutOk) writer.call(new Request.Put(1, new byte[] {'k'}, new byte[] {1}))).revision() + 1;
        List<RawConnection> hostile = new ArrayList<>();
        int perConnection = REQUESTS_PER_CONNECTION;
        int total = 0;
        while (total <= MAX_READS_WAITING) {
            hostile.add(connect());
            total += perConnection;
        }
        List<Response> answers = new CopyOnWriteArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (RawConnection connection : hostile) {
            readers.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int i = 0; i < perConnection; i++) {
                        answers.add(connection.receive());
                    }
                } catch (IOException e) {
                    // the test ended and closed the connection
                }
            }));
        }
        byte[] key = {'k'};
        for (RawConnection connection : hostile) {
            for (int i = 1; i <= perConnection; i++) {
                connection.send(new Request.Get(i, ReadMode.LOCAL, next, key));
            }
        }
        int sent = total;
        TestServers.await("every read to be refused or waiting", Duration.ofSeconds(30),
                () -> answers.size() + server.node().readsWaiting() == sent);
        for (Response answer : answers) {
            assertTrue(answer instanceof Response.Unavailable refusal && refusal.message().contains("too many reads"),
                    "a read answered before its revision was reached: " + answer);
        }
        assertEquals(total - MAX_READS_WAITING, answers.size(), "reads refused at once");

        long reached = ((Response.PutOk) writer.call(new Request.Put(2, key, new byte[] {2}))).revision();
        for (Thread reader : readers) {
            reader.join(Duration.ofSeconds(30));
        }
        assertEquals(total, answers.size(), "every read is answered");
        List<Response> served = answers.stream().filter(answer -> !(answer instanceof Response.Unavailable)).toList();
        assertEquals(MAX_READS_WAITING, served.size(), "reads that waited for the revision");
        for (Response answer : served) {
            assertTrue(answer instanceof Response.GetOk ok && ok.revision() >= reached, answer.toString());
        }
        TestServers.await("the served reads to leave the node", Duration.ofSeconds(5),
                () -> server.node().readsWaiting() == 0);
    }

    @Test
    void localReadsForARevisionNeverReachedTimeOutAndLeave() throws Exception {
        start();
        RawConnection connection = connect();
        int reads = 100;
        for (int i = 1; i <= reads; i++) {
            connection.send(new Request.Get(i, ReadMode.LOCAL, FAR_FUTURE, new byte[] {'k'}));
        }
        for (int i = 0; i < reads; i++) {
            assertInstanceOf(Response.Timeout.class, connection.receive());
        }
        TestServers.await("the timed-out reads to leave the node", Duration.ofSeconds(5),
                () -> server.node().readsWaiting() == 0);
    }

    /** {@code config} with another request timeout. */
    private static ServerConfig withRequestTimeout(ServerConfig config, Duration requestTimeout) {
        return new ServerConfig(config.id(), config.dataDirectory(), config.cluster(), config.listen(), config.join(),
                config.heartbeat(), config.electionTimeout(), config.fsync(), config.snapshotEntries(),
                config.maxValueBytes(), config.forward(), requestTimeout, config.maxConnections(),
                config.stallTimeout(), config.maxPendingOutputBytes(), config.clusterId(), config.logRollCycle(),
                config.staleReadsForTesting(), config.diskReserveBytes(), config.diskCheckInterval());
    }
}
