package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import io.tern.client.ReadOptions;
import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.protocol.Status;
import io.tern.cli.ServerCommand;
import io.tern.platform.TmpfsMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's data directory on a real disk that fills up (a small tmpfs): below its reserve the
 * member's NOSPACE alarm stops new writes everywhere while reads and deletes go on; a disk that fills
 * anyway makes the member exit with status 70 and one line naming its data directory, instead of
 * lingering; nothing acknowledged is lost, and once there is room the member catches up and writes
 * are accepted again.
 */
@Tag("process")
class DiskFullProcessTest {

    private static final int MiB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    final LogsOnFailure logs = new LogsOnFailure();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<TmpfsMount> disks = new ArrayList<>();

    @AfterEach
    void unmount() throws IOException {
        for (TmpfsMount disk : disks) {
            disk.close();
        }
    }

    private TmpfsMount smallDisk(Path at, long bytes) throws IOException {
        try {
            TmpfsMount disk = TmpfsMount.mount(at, bytes);
            disks.add(disk);
            return disk;
        } catch (TmpfsMount.RefusedException e) {
            System.out.println("skipped: cannot mount a small disk here: " + e.getMessage());
            return abort(e.getMessage());
        }
    }

    private static byte[] value(int i, int bytes) {
        byte[] value = new byte[bytes];
        Arrays.fill(value, (byte) (i % 251));
        return value;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The member's one line, and that no stack trace came with it. */
    private static void assertOneLineNamingTheDisk(LocalCluster cluster, int id) throws IOException {
        List<String> lines = Files.readAllLines(cluster.logFile(id));
        List<String> fatal = lines.stream().filter(l -> l.contains("member " + id + " stops, data directory "
                + cluster.dataDirectory(id))).toList();
        assertEquals(1, fatal.size(), "one line naming the data directory:\n" + cluster.logTail(id, 30));
        assertTrue(fatal.getFirst().toLowerCase(Locale.ROOT).contains("no space left on device"), fatal.getFirst());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + cluster.logTail(id, 40));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aLoneMemberWhoseDiskFillsExitsWithOneLineAndLosesNothingAcknowledged() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.create(dir, ProcessNodes.options(1)
                .extraServerArgs(List.of("--disk-reserve-bytes", "0"))))) {
            TmpfsMount disk = smallDisk(cluster.dataDirectory(1), 40L * MiB);
            cluster.startNodes().awaitLeader(WAIT);
            Map<String, byte[]> acknowledged = new LinkedHashMap<>();
            try (TernClient client = cluster.client(Duration.ofSeconds(5))) {
                for (int i = 0; i < 100 && cluster.isRunning(1); i++) {
                    byte[] value = value(i, MiB);
                    try {
                        client.put(bytes("big-" + i), value);
                        acknowledged.put("big-" + i, value);
                    } catch (TernException e) {
                        break; // the member went away mid-write: its outcome is unknown
                    }
                }
            }
            assertEquals(ServerCommand.EXIT_MEMBER_FAILED, cluster.awaitExit(1, WAIT),
                    "a member that can no longer write exits non-zero instead of lingering");
            assertOneLineNamingTheDisk(cluster, 1);
            assertTrue(acknowledged.size() >= 10, "the disk held " + acknowledged.size() + " writes");

            disk.resize(160L * MiB);
            cluster.restart(1);
            cluster.awaitLeader(WAIT);
            try (TernClient client = cluster.client(Duration.ofSeconds(10))) {
                for (Map.Entry<String, byte[]> write : acknowledged.entrySet()) {
                    assertArrayEquals(write.getValue(), client.get(bytes(write.getKey())).value(), write.getKey());
                }
                client.put(bytes("after"), value(1, MiB));
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aFullFollowerStopsWritesExitsAndCatchesUpOnceThereIsRoom() throws Exception {
        try (LocalCluster cluster = logs.watch(LocalCluster.create(dir, ProcessNodes.options(3)
                .extraServerArgs(List.of("--disk-reserve-bytes", Long.toString(16L * MiB), "--disk-check-interval-ms", "100"))))) {
            TmpfsMount disk = smallDisk(cluster.dataDirectory(3), 48L * MiB);
            cluster.startNodes().awaitLeader(WAIT);
            Map<String, byte[]> acknowledged = new LinkedHashMap<>();
            try (TernClient client = cluster.client(Duration.ofSeconds(5), 1, 2)) {
                // Below the reserve: member 3 raises its alarm and every write is refused with NO_SPACE.
                RequestRefusedException refused = null;
                for (int i = 0; i < 100 && refused == null; i++) {
                    byte[] value = value(i, MiB);
                    try {
                        client.put(bytes("a-" + i), value);
                        acknowledged.put("a-" + i, value);
                    } catch (RequestRefusedException e) {
                        refused = e;
                    }
                }
                assertTrue(refused != null, "no write was refused after " + acknowledged.size());
                assertEquals(Status.NO_SPACE, refused.status());
                assertTrue(refused.getMessage().startsWith("NOSPACE alarm: member 3's data directory "
                        + cluster.dataDirectory(3)), refused.getMessage());
                // The leader refused, so it has applied the alarm; member 1 may be a follower that has not yet.
                long alarmCommitted = cluster.status(cluster.awaitLeader(WAIT)).orElseThrow().commitIndex();
                cluster.awaitApplied(1, alarmCommitted, WAIT);
                assertTrue(client.status(cluster.endpoint(1)).contains("\"alarms\":[{\"memberId\":3,\"alarm\":\"NOSPACE\""));
                assertTrue(client.delete(bytes("a-0")).existed(), "deletes are served");
                acknowledged.remove("a-0");
                assertArrayEquals(acknowledged.get("a-1"), client.get(bytes("a-1")).value(), "reads are served");

                // The disk fills anyway: the next entry member 3 must append makes it exit.
                disk.fill(disk.directory().resolve("ballast"), 0);
                for (int i = 0; i < 100 && cluster.isRunning(3); i++) {
                    try {
                        client.delete(bytes("absent-" + i));
                    } catch (TernException e) {
                        // Member 3 led and failed with the delete in flight: its outcome is unknown.
                    }
                }
                assertEquals(ServerCommand.EXIT_MEMBER_FAILED, cluster.awaitExit(3, WAIT));
                assertOneLineNamingTheDisk(cluster, 3);

                // The majority goes on serving reads and deletes; the alarm, replicated, still refuses puts.
                assertTrue(client.delete(bytes("a-1")).existed());
                acknowledged.remove("a-1");
                assertArrayEquals(acknowledged.get("a-2"), client.get(bytes("a-2")).value());
                assertEquals(Status.NO_SPACE, assertThrows(RequestRefusedException.class,
                        () -> client.put(bytes("b"), value(0, 10))).status());

                // Room again: member 3 restarts, catches up, clears its alarm, and writes are accepted.
                Files.delete(disk.directory().resolve("ballast"));
                disk.resize(192L * MiB);
                cluster.restart(3);
                long commit = cluster.status(cluster.awaitLeader(WAIT)).orElseThrow().commitIndex();
                cluster.awaitApplied(3, commit, WAIT);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (true) {
                    try {
                        client.put(bytes("b"), value(0, 10));
                        break;
                    } catch (RequestRefusedException e) {
                        assertTrue(System.nanoTime() < deadline, "the alarm did not clear: " + e.getMessage());
                        Thread.sleep(50); // polling the alarm's clearance with a deadline
                    }
                }
            }
            try (TernClient member3 = cluster.client(Duration.ofSeconds(10), 3)) {
                long applied = cluster.status(3).orElseThrow().appliedIndex();
                for (Map.Entry<String, byte[]> write : acknowledged.entrySet()) {
                    assertArrayEquals(write.getValue(), member3.get(bytes(write.getKey()),
                            ReadOptions.localAtLeast(applied)).value(), "member 3 holds " + write.getKey());
                }
                assertEquals(null, member3.get(bytes("a-0"), ReadOptions.localAtLeast(applied)).value());
            }
        }
    }
}
