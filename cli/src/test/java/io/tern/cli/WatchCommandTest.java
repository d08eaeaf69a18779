package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class WatchCommandTest {

    @TempDir
    Path data;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void printsEachChangeAsEtcdctlDoesUntilInterrupted() throws Exception {
        try (TestNode node = TestNode.start(data);
             TernClient tern = TernClient.connect(List.of(node.endpoint()))) {
            long first = tern.put(bytes("app/a"), bytes("1"));
            tern.put(bytes("other"), bytes("x"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread watching = new Thread(() -> {
                CommandLine commandLine = TernCli.commandLine();
                commandLine.setOut(new PrintWriter(out, true));
                commandLine.setErr(new PrintWriter(err, true));
                exit.set(commandLine.execute("watch", "app/", "--prefix", "--rev", Long.toString(first), "--prev-kv",
                        "--endpoints", node.endpoint()));
            });
            watching.start();
            tern.put(bytes("app/a"), bytes("2"));
            tern.delete(bytes("app/a"));
            String expected = String.join(System.lineSeparator(), "PUT", "app/a", "1", "PUT", "app/a", "1", "app/a", "2",
                    "DELETE", "app/a", "2", "app/a", "") ;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!out.toString().equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            watching.interrupt();
            watching.join(10_000);
            assertEquals(expected, out.toString(), () -> "stderr: " + err);
            assertEquals("", err.toString());
            assertEquals(ExitCodes.OK, exit.get());
        }
    }

    @Test
    void refusesARangeEndTogetherWithPrefix() {
        Cli.run("watch", "a", "b", "--prefix", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern watch: give either RANGE_END or --prefix, not both");
    }
}
