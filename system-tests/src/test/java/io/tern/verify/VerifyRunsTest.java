package io.tern.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.cli.TernCli;
import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tern verify} against real clusters: the seed's three cases and every fault mix must pass
 * (linearizable, nothing lost, converged), and a server broken on purpose must fail. Each run is
 * short and seeded; the whole class is sized to a few minutes on two cores.
 */
@Tag("process")
class VerifyRunsTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private Result verify(String name, String... args) {
        List<String> command = new ArrayList<>(List.of("verify", "--out", dir.resolve(name).toString()));
        command.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var line = TernCli.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(command.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                // The seed's cases: TC_01 no faults on 5 nodes, TC_02 the leader killed, TC_03 a slow network.
                Arguments.of("tc01-five-nodes", "5", "none", 11L),
                Arguments.of("tc02-kill-leader", "5", "kill-leader", 12L),
                Arguments.of("tc03-slow-network", "5", "slow", 13L),
                Arguments.of("crashes", "3", "kill,kill-majority", 21L),
                Arguments.of("pauses", "3", "pause", 22L),
                Arguments.of("partitions", "3", "partition,one-way", 23L),
                Arguments.of("membership-and-transfer", "3", "membership,transfer", 24L),
                // Seed 32 cuts a follower off until the leader compacts past it: it catches up by InstallSnapshot.
                Arguments.of("snapshot-catch-up", "3", "snapshot", 32L),
                Arguments.of("five-node-mix", "5", "partition,kill-majority,pause", 26L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHealthyClusterPasses(String name, String nodes, String faults, long seed) throws Exception {
        Result result = verify(name, "--nodes", nodes, "--faults", faults, "--seed", Long.toString(seed),
                "--duration", "12s", "--clients", "6");
        String report = result.out() + result.err() + explanation(name);
        if (result.exitCode() == 3) {
            // Kill-majority leaves many writes of unknown outcome on few keys, and the checker's search
            // can then run out of its bound (UNKNOWN: neither proof nor violation). Until the checker
            // prunes such histories (issue 10), UNKNOWN is allowed here; a violation (exit 1) is not,
            // and the end-of-run checks must all have held.
            assertTrue(result.out().contains("verdict: UNKNOWN (the checker hit its bound)"), report);
            assertTrue(result.out().contains("end-of-run checks: every node converged to the same state; no node "
                    + "crashed on its own; no client saw a revision go backwards"), report);
            System.out.println(name + ": the checker hit its bound; no violation found");
        } else {
            assertEquals(0, result.exitCode(), report);
            assertTrue(result.out().contains("checker: LINEARIZABLE"), report);
            assertTrue(result.out().contains("verdict: PASS"), report);
        }
        assertTrue(Files.size(dir.resolve(name).resolve("history.jsonl")) > 0, "the history was written");
        assertTrue(Files.exists(dir.resolve(name).resolve("history.html")), "the plot was written");
        if (!"none".equals(faults)) {
            assertTrue(result.out().matches("(?s).*faults injected: [1-9].*"), "no fault was injected:\n" + report);
        }
    }

    /**
     * The same torture through etcd's API: jetcd clients of the members' etcd ports, behind the same
     * proxies, so the partition reaches them too; their calls must be judged linearizable as well, and
     * jetcd's watches and leases must pass the same checks as the native client's.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHealthyClusterPassesThroughEtcdsApi() throws Exception {
        Result result = verify("etcd-api", "--api", "etcd", "--nodes", "3", "--faults", "partition,kill",
                "--workloads", "kv,txn,watch,lease", "--seed", "41", "--duration", "10s", "--clients", "6");
        String report = result.out() + result.err() + explanation("etcd-api");
        assertEquals(0, result.exitCode(), report);
        assertTrue(result.out().contains("3 nodes, etcd API"), report);
        assertTrue(result.err().contains("etcd API at 127.0.0.1:"), report);
        assertTrue(result.out().contains("checker: LINEARIZABLE"), report);
        assertTrue(result.out().matches("(?s).*faults injected: [1-9].*"), "no fault was injected:\n" + report);
        assertTrue(result.out().matches("(?s).*\\btxn +\\{[^}]*(ok|guards-failed)=.*"), "no txn was answered:\n" + report);
        assertTrue(result.out().contains("each saw every change of its keys once, in revision order, and the final write"),
                report);
        assertTrue(result.out().matches("(?s).*leases: [1-9]\\d* judged.*no lease ended early or lived too long.*"), report);
        assertTrue(result.out().contains("verdict: PASS"), report);
    }

    /**
     * The same torture with TLS on every port: members authenticate each other, clients must present a
     * certificate, and every client of the run (the workload's, the status poller, the oversize fault's
     * raw frames) dials through TLS and the proxies.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHealthyClusterWithTlsOnEveryPortPasses() throws Exception {
        CertificateSet certs = TestCertificates.make(dir.resolve("certs"));
        Result result = verify("tls", "--nodes", "3", "--faults", "partition,oversize", "--seed", "51",
                "--duration", "10s", "--clients", "6",
                "--cert-file", certs.serverCert().toString(), "--key-file", certs.serverKey().toString(),
                "--trusted-ca-file", certs.ca().toString(), "--client-cert-auth",
                "--peer-cert-file", certs.peerCert().toString(), "--peer-key-file", certs.peerKey().toString(),
                "--peer-trusted-ca-file", certs.ca().toString(),
                "--cacert", certs.ca().toString(), "--cert", certs.clientCert().toString(),
                "--key", certs.clientKey().toString());
        String report = result.out() + result.err() + explanation("tls");
        assertEquals(0, result.exitCode(), report);
        assertTrue(result.out().contains("checker: LINEARIZABLE"), report);
        assertTrue(result.out().matches("(?s).*faults injected: [1-9].*"), "no fault was injected:\n" + report);
        assertTrue(result.out().contains("a small write afterwards acknowledged"), "the oversize fault did not get through TLS:\n" + report);
        assertTrue(result.out().contains("verdict: PASS"), report);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aServerThatServesStaleReadsIsCaught() throws Exception {
        Result result = verify("stale-reads", "--nodes", "3", "--faults", "partition", "--seed", "7",
                "--duration", "15s", "--clients", "6", "--server-arg=--test-only-stale-reads");
        String report = result.out() + result.err();
        assertEquals(1, result.exitCode(), report);
        assertTrue(result.out().contains("checker: NOT_LINEARIZABLE"), "the checker missed the stale reads:\n" + report);
        assertTrue(result.out().contains("verdict: FAIL"), report);
        String explanation = explanation("stale-reads");
        assertTrue(explanation.contains("cannot be linearized"), explanation);
    }

    private String explanation(String name) throws Exception {
        Path file = dir.resolve(name).resolve("explanation.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
