package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.StateDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class OversizeRequestsTest {

    /** A node that never answers (killed, or its connection reset) is retried, then reported: not a crash of the step. */
    @Test
    void aNodeThatNeverAnswersIsAViolationNotACrash() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OversizeRequests requests = new OversizeRequests(new Unreachable("127.0.0.1:" + closedPort), 1024,
                Duration.ofMillis(300));

        OversizeRequests.Result result = requests.run(1, 1);

        assertEquals(List.of("sentinel", "deleting this step's keys"),
                result.violations().stream().map(v -> v.replaceAll("^oversize: (.*) sent to node 1 .*$", "$1")).toList(),
                result.violations().toString());
        assertTrue(result.violations().stream().allMatch(v -> v.contains("was not acknowledged: no answer")),
                result.violations().toString());
    }

    private record Unreachable(String address) implements ClusterControl {
        @Override
        public boolean controlsProcesses() {
            return false;
        }

        @Override
        public boolean controlsNetwork() {
            return false;
        }

        @Override
        public List<Integer> nodeIds() {
            return List.of(1);
        }

        @Override
        public String endpoint(int id) {
            return address;
        }

        @Override
        public Optional<ServerStatus> status(int id) {
            return Optional.empty();
        }

        @Override
        public Map<Integer, ServerStatus> statuses() {
            return Map.of();
        }

        @Override
        public int awaitLeader(Duration timeout, IntPredicate acceptable) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StateDigest digest(int id, long minRevision) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void transferLeader(int targetId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long snapshot(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeNode(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void rejoinNode(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
