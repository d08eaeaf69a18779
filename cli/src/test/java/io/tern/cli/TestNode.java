package io.tern.cli;

import io.tern.engine.state.Alarm;
import io.tern.engine.state.Command;
import io.tern.raft.core.Role;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import java.nio.file.Path;
import java.time.Duration;

/** A single-member server in the test JVM, led by itself before the tests start. */
final class TestNode implements AutoCloseable {

    private final TernServer server;
    private final String endpoint;

    private TestNode(TernServer server, String endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    static TestNode start(Path data) throws InterruptedException {
        int port = Cli.closedPort();
        TernServer server = TernServer.start(ServerConfig.singleNode(data, "127.0.0.1", port));
        TestNode node = new TestNode(server, "127.0.0.1:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // A condition polled, not a guessed delay: a lone voter campaigns at once and wins quickly.
        while (server.node().status().role() != Role.LEADER || server.node().status().appliedIndex() == 0) {
            if (System.nanoTime() > deadline) {
                node.close();
                throw new AssertionError("the single node did not lead within 10 s");
            }
            Thread.sleep(5);
        }
        return node;
    }

    String endpoint() {
        return endpoint;
    }

    /**
     * Raises member {@code memberId}'s NOSPACE alarm through the log, as that member's disk monitor
     * would, and returns once it is applied here.
     */
    void raiseAlarm(long memberId, String detail) {
        server.node().propose(new Command.SetAlarm(memberId, Alarm.Type.NOSPACE, true, detail).encode()).join();
    }

    /** Applies {@code command} through the log and returns what applying it did. */
    Object apply(Command command) {
        return server.node().propose(command.encode()).join().result();
    }

    /** {@code tern ARGS --endpoints ENDPOINT}. */
    Cli.Result tern(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--endpoints";
        all[args.length + 1] = endpoint;
        return Cli.run(all);
    }

    @Override
    public void close() {
        server.close();
    }
}
