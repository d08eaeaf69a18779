package io.tern.verify.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.protocol.Status;
import io.tern.platform.TmpfsMount;
import io.tern.verify.cluster.Await;
import io.tern.verify.cluster.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk-full fault against a live cluster whose nodes each keep their data on a small disk of
 * their own: filled past the reserve, the node's alarm refuses writes until the heal; filled
 * completely, the node exits (an expected exit, not a crash) and the heal restarts it.
 */
class DiskFullFaultLiveTest {

    private static final Duration HEALTHY = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aNodeBelowItsReserveRefusesWritesAndAFullOneExitsAndIsRestarted() throws IOException {
        try (TmpfsMount probe = TmpfsMount.mount(dir.resolve("probe"), 1 << 20)) {
            probe.usableBytes();
        } catch (TmpfsMount.RefusedException e) {
            System.out.println("skipped: " + e.getMessage());
            abort(e.getMessage());
        }
        try (LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), new LocalCluster.Config().nodes(3)
                .fsync("never").smallDisks(96L << 20, 24L << 20));
             TernClient client = TernClient.builder().endpoints(cluster.endpoints())
                     .requestTimeout(Duration.ofSeconds(3)).build()) {
            Nemesis nemesis = Nemesis.create(cluster, Set.of(Faults.DISK_FULL), 1, Timing.DEFAULT, System.nanoTime());
            cluster.awaitLeader(HEALTHY);
            client.put(bytes("k"), bytes("before"));

            FaultEvent low = nemesis.inject(step(FaultVariant.DISK_LOW));
            assertNull(low.error(), low::toString);
            Await.until("a write refused with NO_SPACE", HEALTHY, () -> refusedForSpace(client));
            assertEquals("before", new String(client.get(bytes("k")).value(), StandardCharsets.UTF_8));
            FaultEvent lowHealed = nemesis.heal().orElseThrow();
            assertNull(lowHealed.error(), lowHealed::toString);
            Await.until("writes accepted again", HEALTHY, () -> !refusedForSpace(client));

            FaultEvent full = nemesis.inject(step(FaultVariant.DISK_FILLED));
            assertNull(full.error(), full::toString);
            int target = full.targets().getFirst();
            Await.until("node " + target + " to exit on its full disk", HEALTHY, () -> {
                writeQuietly(client);
                return !cluster.isRunning(target);
            });
            FaultEvent fullHealed = nemesis.heal().orElseThrow();
            assertNull(fullHealed.error(), fullHealed::toString);
            assertTrue(fullHealed.details().contains("restarted"), fullHealed::toString);
            assertTrue(cluster.isRunning(target));

            nemesis.stopAndHeal(HEALTHY);
            Await.until("writes accepted after the heal", HEALTHY, () -> !refusedForSpace(client));
            assertEquals(List.of(), cluster.unexpectedExits(), "the full node's exit was expected");
        }
    }

    private static FaultStep step(FaultVariant variant) {
        return new FaultStep(1, Faults.DISK_FULL, variant, 42, Duration.ZERO, Duration.ofSeconds(2),
                Duration.ZERO, Duration.ZERO);
    }

    /** One write: true if refused for want of space; other failures (a member restarting) count as not refused. */
    private static boolean refusedForSpace(TernClient client) {
        try {
            client.put(bytes("probe"), bytes("v"));
            return false;
        } catch (RequestRefusedException e) {
            return e.status() == Status.NO_SPACE;
        } catch (TernException e) {
            return false;
        }
    }

    private static void writeQuietly(TernClient client) {
        try {
            client.delete(bytes("absent"));
        } catch (TernException e) {
            // the full node may be the leader, exiting with the delete in flight
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
