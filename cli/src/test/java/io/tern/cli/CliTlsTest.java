package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import io.tern.raft.core.Role;
import io.tern.raft.node.FatalFailureListener;
import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import io.tern.server.tls.TlsSettings;
import io.tern.verify.cluster.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's TLS flags: client commands with --cacert/--cert/--key, and one line for each mistake. */
@Timeout(60)
class CliTlsTest {

    @TempDir
    Path dir;

    @Test
    void aClientCommandSpeaksTlsWithItsFlagsAndIsToldInOneLineWithout() throws Exception {
        CertificateSet certs = TestCertificates.make(dir.resolve("certs"));
        int port = Cli.closedPort();
        TlsSettings tls = new TlsSettings(certs.serverCert(), certs.serverKey(), certs.ca(), true, null, null, null,
                TlsSettings.DEFAULT_RELOAD_INTERVAL);
        try (TernServer server = TernServer.start(ServerConfig.singleNode(dir.resolve("data"), "127.0.0.1", port), tls,
                FatalFailureListener.NONE)) {
            Await.until("the single node to lead", Duration.ofSeconds(10),
                    () -> server.node().status().role() == Role.LEADER);
            String endpoint = "127.0.0.1:" + port;
            Cli.Result put = Cli.run("put", "k", "v", "--endpoints", endpoint, "--cacert", certs.ca().toString(),
                    "--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString());
            assertEquals(ExitCodes.OK, put.exitCode(), put.err());
            Cli.run("get", "k", "--endpoints", endpoint, "--cacert", certs.ca().toString(),
                    "--cert", certs.clientCert().toString(), "--key", certs.clientKey().toString()).assertOk("v" + System.lineSeparator());
            Cli.run("get", "k", "--endpoints", endpoint).assertFails(ExitCodes.REFUSED,
                    "tern get: refused (BAD_REQUEST): this port requires TLS");
            Cli.run("get", "k", "--endpoints", endpoint, "--cacert", certs.ca().toString()).assertFails(
                    ExitCodes.UNAVAILABLE, "tern get: unavailable: cannot reach " + endpoint
                            + ": TLS handshake failed: the server requires a client certificate (give --cert and --key)");
            Cli.run("get", "k", "--endpoints", endpoint, "--cacert", dir.resolve("nope.crt").toString())
                    .assertFails(ExitCodes.USAGE, "tern get: --cacert " + dir.resolve("nope.crt") + " does not exist");
            Cli.run("get", "k", "--endpoints", endpoint, "--cert", certs.clientCert().toString())
                    .assertFails(ExitCodes.USAGE, "tern get: --cert needs --key");
        }
    }

    @Test
    void aServerWithAMissingCertificateOrIncompleteFlagsSaysSoInOneLine() throws Exception {
        Path missing = dir.resolve("missing.crt");
        StringWriter err = new StringWriter();
        int code = server(err, "--data", dir.resolve("d").toString(), "--cluster", "1=127.0.0.1:" + Cli.closedPort(),
                "--cert-file", missing.toString(), "--key-file", missing.toString());
        assertEquals(1, code, err.toString());
        Cli.assertOneLine(err.toString(), "tern server: --cert-file " + missing + " does not exist");

        StringWriter flagsErr = new StringWriter();
        code = server(flagsErr, "--data", dir.resolve("d").toString(), "--cluster", "1=127.0.0.1:" + Cli.closedPort(),
                "--peer-cert-file", missing.toString(), "--peer-key-file", missing.toString());
        assertEquals(2, code, flagsErr.toString());
        Cli.assertOneLine(flagsErr.toString(), "tern server: --peer-cert-file needs --peer-trusted-ca-file");
        assertTrue(flagsErr.toString().contains("members authenticate each other"));
    }

    private static int server(StringWriter err, String... args) {
        CommandLine line = new CommandLine(new ServerCommand());
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        return line.execute(args);
    }
}
