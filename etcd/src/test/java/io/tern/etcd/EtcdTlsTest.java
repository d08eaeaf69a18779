package io.tern.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.cluster.Member;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.tern.platform.ListenPorts;
import io.tern.platform.tls.TestCertificates;
import io.tern.platform.tls.TestCertificates.CertificateSet;
import io.tern.raft.node.FatalFailureListener;
import io.tern.server.TernServer;
import io.tern.server.tls.TlsSettings;
import io.tern.verify.cluster.Await;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** etcd's API over TLS: jetcd with the cluster's CA and a client certificate, and without them. */
@Timeout(90)
class EtcdTlsTest {

    @TempDir
    Path tmp;

    private CertificateSet certs;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<EtcdGateway> gateways = new ArrayList<>();

    @BeforeEach
    void startTwoMembers() throws Exception {
        certs = TestCertificates.make(tmp.resolve("certs"));
        TlsSettings tls = new TlsSettings(certs.serverCert(), certs.serverKey(), certs.ca(), true, certs.peerCert(),
                certs.peerKey(), certs.ca(), TlsSettings.DEFAULT_RELOAD_INTERVAL);
        SortedMap<Long, String> cluster = new TreeMap<>();
        for (long id = 1; id <= 2; id++) {
            cluster.put(id, "127.0.0.1:" + ListenPorts.pick());
        }
        List<TernServer> members = new ArrayList<>();
        for (long id : cluster.keySet()) {
            TernServer member = TernServer.start(EtcdMembers.config(id, tmp.resolve("node-" + id), cluster), tls,
                    FatalFailureListener.NONE);
            opened.add(member);
            members.add(member);
            EtcdGateway gateway = EtcdGateway.start(member, new InetSocketAddress("127.0.0.1", 0));
            opened.add(gateway);
            gateways.add(gateway);
        }
        // The members elect a leader over their TLS link.
        Await.until("a leader known to both members", Duration.ofSeconds(20), () -> {
            long leaderId = members.getFirst().node().status().leaderId();
            return leaderId != 0 && members.stream().allMatch(m -> m.node().status().leaderId() == leaderId);
        });
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : opened.reversed()) {
            resource.close();
        }
    }

    private Client jetcd() throws SSLException {
        Client client = Client.builder().endpoints("https://127.0.0.1:" + gateways.getFirst().boundAddress().getPort())
                .sslContext(ssl -> ssl.trustManager(certs.ca().toFile())
                        .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile()))
                .build();
        opened.add(client);
        return client;
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }

    @Test
    void jetcdWithTheCaAndAClientCertificateWorksAndMemberListGivesHttpsUrls() throws Exception {
        Client client = jetcd();
        client.getKVClient().put(bytes("k"), bytes("v")).get(20, TimeUnit.SECONDS);
        assertEquals("v", client.getKVClient().get(bytes("k")).get(20, TimeUnit.SECONDS).getKvs().getFirst()
                .getValue().toString(UTF_8));
        // The other member's URL comes from its STATUS, asked by this member's own client over TLS.
        Await.until("both members to list a client URL", Duration.ofSeconds(20), () -> {
            List<Member> members = members(client);
            return members.size() == 2 && members.stream().allMatch(m -> !m.getClientURIs().isEmpty());
        });
        for (Member member : members(client)) {
            assertTrue(member.getClientURIs().getFirst().toString().startsWith("https://127.0.0.1:"),
                    member.getClientURIs().toString());
        }
    }

    /**
     * Under {@code --client-cert-auth}, a call without a token is made by the user its certificate names
     * ({@code bin/make-certs}' client certificate: {@code tern-client}), as in etcd.
     */
    @Test
    void withAuthOnTheCertificatesCommonNameIsTheUser() throws Exception {
        Client client = jetcd();
        Auth auth = client.getAuthClient();
        auth.userAdd(bytes("root"), bytes("root-pw")).get(20, TimeUnit.SECONDS);
        auth.userGrantRole(bytes("root"), bytes("root")).get(20, TimeUnit.SECONDS);
        auth.userAdd(bytes("tern-client"), bytes("unused-pw")).get(20, TimeUnit.SECONDS);
        auth.roleAdd(bytes("cn")).get(20, TimeUnit.SECONDS);
        auth.roleGrantPermission(bytes("cn"), bytes("cn/"), bytes("cn0"), Permission.Type.READWRITE)
                .get(20, TimeUnit.SECONDS);
        auth.userGrantRole(bytes("tern-client"), bytes("cn")).get(20, TimeUnit.SECONDS);
        auth.authEnable().get(20, TimeUnit.SECONDS);

        client.getKVClient().put(bytes("cn/x"), bytes("v")).get(20, TimeUnit.SECONDS);
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> kv(TlsChannelCredentials
                .newBuilder().trustManager(certs.ca().toFile())
                .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile()).build()).put(put()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode(), denied.toString());
        assertEquals("etcdserver: permission denied", denied.getStatus().getDescription());
    }

    private static List<Member> members(Client client) {
        try {
            return client.getClusterClient().listMember().get(20, TimeUnit.SECONDS).getMembers();
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("MemberList failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** etcd's KV stub over a plain gRPC channel with {@code credentials}, each call with a 10 s deadline. */
    private KVGrpc.KVBlockingStub kv(ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateways.getFirst().boundAddress()
                .getPort(), credentials).build();
        opened.add(channel::shutdownNow);
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static PutRequest put() {
        return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build();
    }

    @Test
    void aClientWithoutACertificateIsRefusedAtOnce() throws Exception {
        KVGrpc.KVBlockingStub kv = kv(TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile()).build());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> kv.put(put()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
    }

    @Test
    void aPlaintextClientIsRefusedAtOnce() {
        KVGrpc.KVBlockingStub kv = kv(InsecureChannelCredentials.create());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> kv.put(put()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
    }
}
