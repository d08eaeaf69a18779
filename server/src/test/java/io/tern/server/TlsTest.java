package io.tern.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.TernClientBuilder;
import io.tern.client.UnavailableException;
import io.tern.client.protocol.Status;
import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import io.tern.raft.core.Role;
import io.tern.raft.node.FatalFailureListener;
import io.tern.server.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the native port and between members: who is let in, who is not and what they are told, reloads. */
@Timeout(90)
class TlsTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : opened.reversed()) {
            resource.close();
        }
    }

    private static TlsSettings everywhere(CertificateSet certs) {
        return new TlsSettings(certs.serverCert(), certs.serverKey(), certs.ca(), true, certs.peerCert(),
                certs.peerKey(), certs.ca(), Duration.ofMillis(100));
    }

    private TernServer start(ServerConfig config, TlsSettings tls) {
        TernServer server = TernServer.start(config, tls, FatalFailureListener.NONE);
        opened.add(server);
        return server;
    }

    private TernServer single(TlsSettings tls) {
        return start(TestServers.single(tmp.resolve("single")), tls);
    }

    private TernClient client(TernServer server, CertificateSet trusted, CertificateSet identity) {
        TernClientBuilder builder = TernClient.builder().endpoints(endpoint(server)).requestTimeout(Duration.ofSeconds(20))
                .connectionsPerEndpoint(1).discoverLeader(false);
        if (trusted != null) {
            builder.trustCertificates(trusted.ca());
        }
        if (identity != null) {
            builder.keyCertChain(identity.clientCert(), identity.clientKey());
        }
        TernClient client = builder.build();
        opened.add(client);
        return client;
    }

    private static String endpoint(TernServer server) {
        return "127.0.0.1:" + server.boundAddress().getPort();
    }

    private static byte[] b(String text) {
        return text.getBytes(UTF_8);
    }

    @Test
    void aClusterWithTlsEverywhereServesATrustedClientThroughAFollower() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        List<TernServer> members = new ArrayList<>();
        for (long id : cluster.keySet()) {
            members.add(start(TestServers.config(id, tmp.resolve("node-" + id), cluster, true), everywhere(certs)));
        }
        TernServer leader = awaitLeader(members);
        TernServer follower = members.stream().filter(m -> m != leader).findFirst().orElseThrow();
        TestServers.await("the follower to learn the leader", Duration.ofSeconds(10),
                () -> follower.node().status().leaderId() == leader.config().id());

        TernClient client = client(follower, certs, certs);
        long revision = client.put(b("k"), b("v")); // forwarded to the leader over the members' TLS
        assertArrayEquals(b("v"), client.get(b("k")).value());
        TestServers.await("every member to apply the write", Duration.ofSeconds(10),
                () -> members.stream().allMatch(m -> m.node().status().appliedIndex() >= revision));
    }

    @Test
    void aPlaintextClientIsToldThePortRequiresTls() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        TernServer server = single(everywhere(certs));
        RequestRefusedException refused = assertThrows(RequestRefusedException.class,
                () -> client(server, null, null).put(b("k"), b("v")));
        assertEquals(Status.BAD_REQUEST, refused.status());
        assertTrue(refused.getMessage().contains("this port requires TLS"), refused.getMessage());
    }

    @Test
    void aClientCertificateOfAnotherCaIsRefusedAtOnce() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        CertificateSet stranger = TestCertificates.make(tmp.resolve("stranger"));
        TernServer server = single(everywhere(certs));
        long began = System.nanoTime();
        UnavailableException refused = assertThrows(UnavailableException.class,
                () -> client(server, certs, stranger).put(b("k"), b("v")));
        assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - began).toSeconds() < 10,
                "a refused certificate fails the call at once, not at its 20 s deadline");
        assertThrows(UnavailableException.class, () -> client(server, certs, null).put(b("k"), b("v")),
                "no client certificate at all is refused too");
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaIsToldSo() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        CertificateSet stranger = TestCertificates.make(tmp.resolve("stranger"));
        TernServer server = single(everywhere(certs));
        UnavailableException refused = assertThrows(UnavailableException.class,
                () -> client(server, stranger, certs).put(b("k"), b("v")));
        assertTrue(refused.getMessage().contains("not signed by a trusted CA (check --cacert)"), refused.getMessage());
    }

    @Test
    void aMemberWithAnotherCaCannotJoinOrDisruptTheCluster() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        CertificateSet stranger = TestCertificates.make(tmp.resolve("stranger"));
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        List<TernServer> trusted = new ArrayList<>();
        for (long id = 1; id <= 2; id++) {
            trusted.add(start(TestServers.config(id, tmp.resolve("node-" + id), cluster, true), everywhere(certs)));
        }
        TernServer leader = awaitLeader(trusted);
        long term = leader.node().status().term();
        TernServer intruder = start(TestServers.config(3, tmp.resolve("node-3"), cluster, true), everywhere(stranger));
        TernClient client = client(leader, certs, certs);
        client.put(b("before"), b("1"));
        // The intruder hears from no leader: once its election timeout fired it campaigns, and nobody listens.
        TestServers.await("the intruder to campaign", Duration.ofSeconds(20),
                () -> intruder.node().status().role() != Role.FOLLOWER);
        for (int i = 0; i < 20; i++) {
            client.put(b("k" + i), b("v" + i));
        }
        assertEquals(Role.LEADER, leader.node().status().role());
        assertEquals(term, leader.node().status().term(), "the intruder never made the leader step down");
        assertEquals(0, intruder.node().status().appliedIndex(), "the intruder got no entry");
        assertEquals(0, intruder.node().status().leaderId());
    }

    @Test
    void aNewConnectionGetsTheReloadedCertificateWhileOpenOnesCarryOn() throws Exception {
        CertificateSet first = TestCertificates.make(tmp.resolve("first"));
        CertificateSet second = TestCertificates.make(tmp.resolve("second"));
        Path cert = Files.copy(first.serverCert(), tmp.resolve("server.crt"));
        Path key = Files.copy(first.serverKey(), tmp.resolve("server.key"));
        TernServer server = single(new TlsSettings(cert, key, null, false, null, null, null, Duration.ofMillis(100)));
        InetSocketAddress address = server.boundAddress();
        TernClient before = client(server, first, null);
        before.put(b("k"), b("1"));
        assertEquals(issuer(first.ca()), presentedCertificate(address).getIssuerX500Principal());

        replace(second.serverKey(), key);
        replace(second.serverCert(), cert);
        TestServers.await("a new connection to see the new certificate", Duration.ofSeconds(10),
                () -> presentedCertificate(address).getIssuerX500Principal().equals(issuer(second.ca())));

        before.put(b("k"), b("2")); // its connection was made with the old certificate and stays
        UnavailableException refused = assertThrows(UnavailableException.class,
                () -> client(server, first, null).put(b("k"), b("3")));
        assertTrue(refused.getMessage().contains("not signed by a trusted CA"), refused.getMessage());
        assertArrayEquals(b("2"), client(server, second, null).get(b("k")).value());
    }

    @Test
    void aMissingOrMismatchedFileStopsTheStartWithOneLine() throws Exception {
        CertificateSet certs = TestCertificates.make(tmp.resolve("certs"));
        Path missing = tmp.resolve("missing.crt");
        ServerStartException noFile = assertThrows(ServerStartException.class, () -> single(new TlsSettings(missing,
                certs.serverKey(), null, false, null, null, null, Duration.ofSeconds(5))));
        assertEquals("--cert-file " + missing + " does not exist", noFile.getMessage());
        ServerStartException mismatched = assertThrows(ServerStartException.class, () -> single(new TlsSettings(
                certs.serverCert(), certs.serverKey(), null, false, certs.peerCert(), certs.serverKey(), certs.ca(),
                Duration.ofSeconds(5))));
        assertEquals("--peer-key-file " + certs.serverKey() + " is not the key of the certificate in --peer-cert-file "
                + certs.peerCert(), mismatched.getMessage());
        IllegalArgumentException flags = assertThrows(IllegalArgumentException.class, () -> new TlsSettings(
                certs.serverCert(), certs.serverKey(), null, true, null, null, null, Duration.ofSeconds(5)));
        assertEquals("--client-cert-auth needs --trusted-ca-file (the CAs of client certificates)", flags.getMessage());
    }

    private static TernServer awaitLeader(List<TernServer> members) throws InterruptedException {
        TestServers.await("a leader", Duration.ofSeconds(20),
                () -> members.stream().anyMatch(m -> m.node().status().role() == Role.LEADER));
        return members.stream().filter(m -> m.node().status().role() == Role.LEADER).findFirst().orElseThrow();
    }

    /** The name of the CA in {@code caFile}: the issuer of the certificates it signed. */
    private static X500Principal issuer(Path caFile) {
        try (var in = Files.newInputStream(caFile)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getSubjectX500Principal();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + caFile + ": " + e, e);
        }
    }

    /** The certificate the port presents to a new connection (whoever signed it: this only looks). */
    private static X509Certificate presentedCertificate(InetSocketAddress address) {
        AtomicReference<X509Certificate> presented = new AtomicReference<>();
        TrustManager lookOnly = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                presented.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {lookOnly}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(),
                    address.getPort())) {
                socket.startHandshake();
            }
            return presented.get();
        } catch (Exception e) {
            throw new AssertionError("cannot handshake with " + address + ": " + e, e);
        }
    }

    /** Copies over {@code target} and moves its time on, as a rewrite a while later would. */
    private static void replace(Path source, Path target) throws Exception {
        Instant later = Files.getLastModifiedTime(target).toInstant().plusSeconds(1);
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target, FileTime.from(later.isAfter(Instant.now()) ? later : Instant.now()));
    }
}
