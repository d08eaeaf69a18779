package io.tern.platform.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made by the project's own {@code bin/make-certs} (openssl): each call is
 * a new CA with its server, peer and client certificates, so two calls give two CAs that do not trust
 * each other.
 */
public final class TestCertificates {

    /** What {@code bin/make-certs} wrote into {@code dir}. */
    public record CertificateSet(Path dir) {
        public Path ca() {
            return dir.resolve("ca.crt");
        }

        public Path serverCert() {
            return dir.resolve("server.crt");
        }

        public Path serverKey() {
            return dir.resolve("server.key");
        }

        public Path peerCert() {
            return dir.resolve("peer.crt");
        }

        public Path peerKey() {
            return dir.resolve("peer.key");
        }

        public Path clientCert() {
            return dir.resolve("client.crt");
        }

        public Path clientKey() {
            return dir.resolve("client.key");
        }
    }

    private TestCertificates() {
    }

    /** Runs {@code bin/make-certs dir}; skips the test where openssl is not installed. */
    public static CertificateSet make(Path dir) throws IOException, InterruptedException {
        assumeTrue(opensslInstalled(), "openssl is not installed");
        Process process = new ProcessBuilder(script().toString(), dir.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, process.waitFor(30, TimeUnit.SECONDS), "bin/make-certs did not finish");
        assertEquals(0, process.exitValue(), "bin/make-certs failed: " + output);
        return new CertificateSet(dir);
    }

    private static boolean opensslInstalled() {
        try {
            Process probe = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("bin/make-certs");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IllegalStateException("bin/make-certs not found above " + Path.of("").toAbsolutePath());
    }
}
