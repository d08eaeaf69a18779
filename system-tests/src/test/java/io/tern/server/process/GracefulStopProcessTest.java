package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under write load: the node stops accepting, answers or fails what is in flight (no
 * writer hangs), closes the engine, exits 0, and after a restart holds every acknowledged write.
 */
@Tag("process")
class GracefulStopProcessTest {

    @RegisterExtension
    final LogsOnFailure logs = new LogsOnFailure();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermUnderLoadStopsCleanlyAndLosesNothingAcknowledged() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.start(dir, ProcessNodes.options(1)))) {
            cluster.awaitLeader(Duration.ofSeconds(45));
            try (TernClient client = cluster.client(Duration.ofSeconds(5));
                 WriteLoad load = new WriteLoad(client, "term", 4).start()) {
                load.awaitAcknowledged(200, Duration.ofSeconds(30));
                assertEquals(0, cluster.stop(1), "a graceful stop exits 0");
                load.stop();
                String log = Files.readString(cluster.logFile(1));
                assertTrue(log.contains("member 1 stopped gracefully in "), "the node did not log its stop:\n" + cluster.logTail(1, 20));
                cluster.restart(1);
                cluster.awaitLeader(Duration.ofSeconds(45));
                load.verify(client);
            }
        }
    }
}
