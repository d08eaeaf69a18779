package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing listens at the endpoint: every command fails with one line and exit 4, within its --timeout (300 ms
 * here), and a refused connection fails it at once rather than at the deadline.
 */
class CliUnreachableTest {

    private static String endpoint;

    @BeforeAll
    static void findAClosedPort() {
        Cli.assumeClientBuilt();
        endpoint = "127.0.0.1:" + Cli.closedPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"put k v", "get k", "get k --local", "del k", "cas k --absent --set v", "scan", "status",
            "member add 2 127.0.0.1:7380", "member remove 2", "member promote 2", "leader transfer 2", "snapshot",
            "bench --duration 1s --warmup 0s", "bench --api etcd --duration 1s --warmup 0s"})
    void exitsFourWithOneLine(String command) {
        String[] words = command.split(" ");
        String name = "tern " + String.join(" ", java.util.Arrays.asList(words).subList(0, commandWords(words))) + ": ";
        String[] args = new String[words.length + 4];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--endpoints";
        args[words.length + 1] = endpoint;
        args[words.length + 2] = "--timeout";
        args[words.length + 3] = "300ms";
        Cli.run(args).assertFails(4, name);
    }

    @Test
    void aRefusedConnectionFailsAtOnceRatherThanAtTheDefaultDeadline() {
        long start = System.nanoTime();
        Cli.Result result = Cli.run("status", "--endpoints", endpoint); // the default --timeout, 5 s
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("tern status against a refusing endpoint failed after " + elapsedMillis + " ms");
        result.assertFails(4, "tern status: unavailable: cannot reach " + endpoint + ": ");
        // Within a second is the aim; 2 s keeps a loaded machine from making this flaky.
        assertTrue(elapsedMillis < 2_000, "failed only after " + elapsedMillis + " ms: " + result.err());
    }

    private static int commandWords(String[] words) {
        return words[0].equals("member") || words[0].equals("leader") ? 2 : 1;
    }
}
