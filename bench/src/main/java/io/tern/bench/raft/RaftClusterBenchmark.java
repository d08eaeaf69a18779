package io.tern.bench.raft;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.state.Command;
import io.tern.platform.HostPort;
import io.tern.raft.core.Role;
import io.tern.raft.node.FatalFailureListener;
import io.tern.raft.node.NodeConfig;
import io.tern.raft.node.NodeRuntime;
import io.tern.raft.node.RaftNode;
import io.tern.raft.transport.NettyPeerTransport;
import io.tern.raft.transport.PeerTransportConfig;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Committed entries per second of a 3-member cluster in this JVM over Netty on loopback, with a
 * fixed number of proposals in flight (a closed loop: each benchmark op waits for a free slot, then
 * proposes). The score is proposals per second; since at most {@code inFlight} are outstanding, in
 * steady state that is the commit rate. Commit latency (propose to applied on the leader) goes to an
 * HdrHistogram printed at the end of each iteration with the leader's entries per fsync (with
 * {@code fsync=never} no sync forces anything, so that count is 0).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class RaftClusterBenchmark {

    @Param({"always", "never"})
    public String fsync;

    @Param({"100", "1024"})
    public int entryBytes;

    @Param({"1", "16", "256"})
    public int inFlight;

    private Path directory;
    private final List<RaftNode> nodes = new ArrayList<>();
    private RaftNode leader;
    private Semaphore slots;
    private byte[] command;
    private final Recorder latency = new Recorder(3);
    private final AtomicLong failures = new AtomicLong();
    private long leaderSyncsAtStart;
    private long leaderIndexAtStart;

    @Setup(Level.Trial)
    public void startCluster() throws IOException {
        directory = Files.createTempDirectory(benchRoot(), "raft-cluster-");
        List<Member> members = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            members.add(new Member(id, "127.0.0.1:" + freePort(), true));
        }
        Membership membership = new Membership(members);
        for (Member member : members) {
            StorageEngine engine = StorageEngine.open(EngineConfig.defaults(directory.resolve("node-" + member.id()),
                    new ClusterIdentity("bench", member.id()), FsyncPolicy.parse(fsync)));
            NettyPeerTransport transport = new NettyPeerTransport(PeerTransportConfig.defaults(member.id(), "bench")
                    .withListenAddress(new InetSocketAddress("127.0.0.1", HostPort.parse(member.address()).port())));
            NodeConfig options = new NodeConfig(member.id(), membership, Duration.ofMillis(100), Duration.ofMillis(1000),
                    1_000_000, Duration.ofSeconds(30), 1 << 20);
            // As a server runs it: the Raft loop on the event loop of the member's peer connections.
            nodes.add(RaftNode.start(options, engine, transport, NodeRuntime.threadsWithLoopOn(transport.eventLoop()),
                    FatalFailureListener.NONE));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (leader == null) {
            leader = nodes.stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElse(null);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader was elected in 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        slots = new Semaphore(inFlight);
        command = new Command.Put("bench-key".getBytes(), new byte[entryBytes]).encode();
    }

    @Setup(Level.Iteration)
    public void resetCounters() {
        latency.reset();
        leaderSyncsAtStart = ((StorageEngine) leader.storage()).log().syncCount();
        leaderIndexAtStart = ((StorageEngine) leader.storage()).log().lastIndex();
    }

    @Benchmark
    public void propose() throws InterruptedException {
        slots.acquire();
        long started = System.nanoTime();
        leader.propose(command).whenComplete((applied, error) -> {
            if (error != null) {
                failures.incrementAndGet();
            } else {
                latency.recordValue(System.nanoTime() - started);
            }
            slots.release();
        });
    }

    @TearDown(Level.Iteration)
    public void report() throws InterruptedException {
        slots.acquire(inFlight);
        slots.release(inFlight);
        Histogram histogram = latency.getIntervalHistogram();
        long syncs = ((StorageEngine) leader.storage()).log().syncCount() - leaderSyncsAtStart;
        long entries = ((StorageEngine) leader.storage()).log().lastIndex() - leaderIndexAtStart;
        System.out.printf("%n    commit latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d commits, %d failed;"
                        + " leader: %d entries in %d fsyncs (%.1f per fsync)%n",
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getMaxValue() / 1e6, histogram.getTotalCount(), failures.getAndSet(0),
                entries, syncs, syncs == 0 ? 0.0 : (double) entries / syncs);
    }

    @TearDown(Level.Trial)
    public void stopCluster() throws IOException {
        for (RaftNode node : nodes) {
            node.close();
            ((StorageEngine) node.storage()).close();
        }
        DurableFiles.deleteTree(directory);
    }

    private static Path benchRoot() throws IOException {
        Path root = Path.of(System.getProperty("tern.bench.dir", "target/bench-data"));
        Files.createDirectories(root);
        return root;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
