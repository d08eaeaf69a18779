package io.tern.verify.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node's process with a shell standing in for the node: logs, signals, exits and crashes. */
@Timeout(60)
class NodeProcessTest {

    @TempDir
    Path dir;

    private final List<Integer> crashCodes = new CopyOnWriteArrayList<>();

    private NodeProcess process() {
        return new NodeProcess("node 1", dir.resolve("node-1.log"), dir, (start, pid, code) -> crashCodes.add(code));
    }

    @Test
    void anExitNobodyAskedForIsACrashAndTheLogKeepsEveryStart() {
        NodeProcess node = process();
        node.start(List.of("sh", "-c", "echo first $GREETING; exit 3"), Map.of("GREETING", "hello"));
        assertEquals(3, node.awaitExit(Duration.ofSeconds(10)));
        Await.until("the crash to be reported", Duration.ofSeconds(10), () -> !crashCodes.isEmpty());
        assertEquals(List.of(3), crashCodes);

        node.start(List.of("sh", "-c", "echo second; exec sleep 60"), Map.of());
        assertTrue(node.isRunning());
        node.kill9();
        assertFalse(node.isRunning());
        assertEquals(2, node.starts());
        String log = node.logTail(10);
        assertTrue(log.contains("==== start #1 of node 1") && log.contains("first hello")
                && log.contains("==== start #2 of node 1") && log.contains("second"), log);
        assertEquals(List.of(3), crashCodes, "a kill is no crash");
    }

    @Test
    void pauseContinueAndAGracefulStop() {
        NodeProcess node = process();
        node.start(List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.05; done"), Map.of());
        node.pause();
        assertTrue(node.isPaused());
        assertTrue(node.state().startsWith("paused, pid "), node.state());
        node.resume();
        assertFalse(node.isPaused());
        assertEquals(0, node.stop(Duration.ofSeconds(20)), "SIGTERM is handled and the exit is clean");
        assertTrue(node.state().startsWith("exited with 0"), node.state());
        assertThrows(IllegalStateException.class, () -> process().pid(), "never started");
        assertEquals(List.of(), crashCodes);
    }
}
