package io.tern.cli;

import io.tern.verify.cluster.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.VersionedKeyValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tern lock} and {@code tern elect} against a real single-node server. */
@Timeout(60)
class LockElectCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String NL = System.lineSeparator();

    @TempDir
    static Path data;

    @TempDir
    Path scratch;

    private static TestNode node;
    private static TernClient client;

    @BeforeAll
    static void startServer() throws InterruptedException {
        node = TestNode.start(data);
        client = TernClient.connect(List.of(node.endpoint()));
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The keys under {@code prefix}, by create revision. */
    private static List<VersionedKeyValue> queue(String prefix) {
        return client.kv().range(RangeRequest.of(KeyRange.prefix(bytes(prefix)))
                .sortedBy(SortTarget.CREATE, SortOrder.ASCEND)).response().kvs();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code args} with {@code --endpoints} after the command's name: what follows "--" is the lock's command. */
    private static String[] withEndpoints(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--endpoints";
        all[2] = node.endpoint();
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return all;
    }

    private static Cli.Result tern(String... args) {
        return Cli.run(withEndpoints(args));
    }

    /** A {@code tern} command running on a thread of its own, as a process in another terminal would. */
    private static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;

        Running(String... args) {
            String[] all = withEndpoints(args);
            thread = new Thread(() -> {
                CommandLine commandLine = TernCli.commandLine();
                commandLine.setOut(new PrintWriter(out, true));
                commandLine.setErr(new PrintWriter(err, true));
                exit.set(commandLine.execute(all));
            });
            thread.start();
        }

        /** Ctrl-C, as the shutdown hook delivers it: an interrupt of the command's thread. */
        void interruptAndJoin() throws InterruptedException {
            thread.interrupt();
            join();
        }

        void join() throws InterruptedException {
            thread.join(20_000);
            assertFalse(thread.isAlive(), "the command did not end; stderr: " + err);
        }
    }

    @Test
    void runsTheCommandWithTheLocksKeyAndRevisionAndExitsWithItsStatus() {
        Cli.Result result = tern("lock", "job", "--", "sh", "-c",
                "echo $TERN_LOCK_KEY $TERN_LOCK_REV; echo $ETCD_LOCK_KEY $ETCD_LOCK_REV");
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        String[] lines = result.out().split(NL);
        assertEquals(2, lines.length, result.out());
        assertTrue(lines[0].matches("job/[0-9a-f]+ [0-9]+"), lines[0]);
        assertEquals(lines[0], lines[1], "etcdctl's names carry the same");
        assertEquals(List.of(), queue("job/"), "released when the command exited");

        assertEquals(7, tern("lock", "job", "--", "sh", "-c", "exit 7").exitCode(), "the command's status");
        assertEquals(List.of(), queue("job/"));
    }

    @Test
    void aSecondLockWaitsUntilTheFirstCommandEnds() throws Exception {
        Path release = scratch.resolve("release");
        Running first = new Running("lock", "shared", "--", "sh", "-c",
                "echo $TERN_LOCK_REV; while [ ! -e '" + release + "' ]; do sleep 0.02; done");
        Await.until("the first to hold the lock", WAIT, () -> first.out.toString().endsWith(NL));
        Running second = new Running("lock", "shared", "--", "sh", "-c", "echo $TERN_LOCK_REV");
        Await.until("the second to wait in line", WAIT, () -> queue("shared/").size() == 2);
        assertEquals("", second.out.toString(), "the second ran while the first held the lock");
        assertTrue(second.thread.isAlive());
        Files.createFile(release);
        first.join();
        second.join();
        assertEquals(ExitCodes.OK, first.exit.get(), first.err.toString());
        assertEquals(ExitCodes.OK, second.exit.get(), second.err.toString());
        long firstRevision = Long.parseLong(first.out.toString().strip());
        long secondRevision = Long.parseLong(second.out.toString().strip());
        assertTrue(secondRevision > firstRevision, firstRevision + " then " + secondRevision);
        assertEquals(List.of(), queue("shared/"));
    }

    @Test
    void withoutACommandPrintsTheKeyAndHoldsUntilInterrupted() throws Exception {
        Running holder = new Running("lock", "held", "--ttl", "30");
        Await.until("the key to be printed", WAIT, () -> holder.out.toString().endsWith(NL));
        List<VersionedKeyValue> held = queue("held/");
        assertEquals(1, held.size());
        assertEquals(text(held.get(0).key()) + NL, holder.out.toString());
        assertEquals(30, client.leases().timeToLive(held.get(0).lease(), false).grantedSeconds(), "--ttl");
        holder.interruptAndJoin();
        assertEquals(ExitCodes.OK, holder.exit.get(), holder.err.toString());
        assertEquals(List.of(), queue("held/"), "released at once, not after the TTL");
    }

    @Test
    void electPrintsTheLeaderOnceElectedAndObserversPrintEachLeader() throws Exception {
        Running observer = new Running("elect", "chief");
        Running first = new Running("elect", "chief", "alpha");
        Await.until("the first to be elected", WAIT, () -> first.out.toString().lines().count() == 2);
        String firstKey = text(queue("chief/").get(0).key());
        assertEquals(firstKey + NL + "alpha" + NL, first.out.toString());
        Running second = new Running("elect", "chief", "beta");
        Await.until("the second to campaign", WAIT, () -> queue("chief/").size() == 2);
        String secondKey = text(queue("chief/").get(1).key());
        assertEquals("", second.out.toString(), "two leaders");
        first.interruptAndJoin(); // resigns
        Await.until("the second to be elected", WAIT, () -> second.out.toString().lines().count() == 2);
        assertEquals(secondKey + NL + "beta" + NL, second.out.toString());
        second.interruptAndJoin();
        Await.until("the observer to print both", WAIT, () -> observer.out.toString().lines().count() == 4);
        assertEquals(firstKey + NL + "alpha" + NL + secondKey + NL + "beta" + NL, observer.out.toString());
        observer.interruptAndJoin();
        for (Running command : List.of(first, second, observer)) {
            assertEquals(ExitCodes.OK, command.exit.get(), command.err.toString());
            assertEquals("", command.err.toString());
        }
        assertEquals(List.of(), queue("chief/"));
    }

    @Test
    void usageErrors() {
        Cli.run("elect", "e", "p", "-l", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern elect: -l observes: give no PROPOSAL with it");
        Cli.run("lock", "l", "--ttl", "0", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern lock: --ttl must be positive, was 0");
    }
}
