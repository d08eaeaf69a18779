package io.tern.etcd;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.server.ServerStartException;
import io.tern.server.TernServer;
import io.tern.server.tls.ServerTls;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v3 gRPC API on one Tern member ({@code --etcd-listen}), over plaintext HTTP/2. Each call
 * becomes a native request served by the member's dispatcher, exactly as if a native client had
 * sent it, so forwarding, read barriers, limits, statuses and the check of the caller's permissions
 * have one implementation.
 *
 * <p>Threads: grpc-java's Netty event loops own the connections; the gateway's own
 * {@code tern-etcd-N-*} threads run the services (translating a call and handing it to the
 * dispatcher, which never blocks), do the reads a dispatched range makes once it may, and answer
 * each call when its native answer completes.
 */
public final class EtcdGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdGateway.class);
    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final long SHUTDOWN_MILLIS = 5_000;
    /** etcd's --grpc-keepalive-min-time: clients may ping this often, idle or not. */
    private static final long KEEPALIVE_MIN_SECONDS = 5;
    /** etcd's --grpc-keepalive-interval and --grpc-keepalive-timeout: how the server checks on idle clients. */
    private static final long KEEPALIVE_INTERVAL_HOURS = 2;
    private static final long KEEPALIVE_TIMEOUT_SECONDS = 20;

    private final long memberId;
    private final Server server;
    private final ExecutorService executor;
    private final OpenStreams streams;
    private final AdminServices admin;

    private EtcdGateway(long memberId, Server server, ExecutorService executor, OpenStreams streams,
                        AdminServices admin) {
        this.memberId = memberId;
        this.server = server;
        this.executor = executor;
        this.streams = streams;
        this.admin = admin;
    }

    /**
     * Serves etcd's API for {@code member} on {@code address}.
     *
     * @throws ServerStartException with one line for the operator when the address cannot be bound
     */
    public static EtcdGateway start(TernServer member, InetSocketAddress address) {
        long memberId = member.config().id();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS,
                Thread.ofPlatform().name("tern-etcd-" + memberId + "-", 0).factory());
        NativeCalls calls = new NativeCalls(member.dispatcher(), executor);
        OpenStreams streams = new OpenStreams();
        ResponseHeaders headers = new ResponseHeaders(member.engine().identity().clusterId(), memberId,
                member.node()::term);
        AdminServices admin = new AdminServices(member, calls, headers, executor);
        Server server = NettyServerBuilder.forAddress(address, credentials(member.tls()))
                .executor(executor)
                .addStreamTracerFactory(new GrpcTraffic(member.metrics().registry()))
                // A put of the largest value the member takes must get through; the member refuses
                // what is over its own limits with etcd's "request is too large".
                .maxInboundMessageSize(ProtocolLimits.MAX_FRAME_BODY_BYTES)
                .permitKeepAliveTime(KEEPALIVE_MIN_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(KEEPALIVE_INTERVAL_HOURS, TimeUnit.HOURS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .addService(new KvService(calls, headers, member.engine()::appliedIndex))
                .addService(new WatchService(member.watchHub(), member.dispatcher(), headers, member.engine()::appliedIndex,
                        streams))
                .addService(new LeaseService(calls, headers, member.engine()::appliedIndex, streams))
                .addService(admin.cluster())
                .addService(admin.maintenance())
                .addService(new AuthService(calls, headers, member.engine()::appliedIndex))
                // Who makes each call (its token, or its certificate's name), for the member to check.
                .intercept(new CallerInterceptor())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            admin.close();
            executor.shutdownNow();
            throw new ServerStartException("cannot serve etcd's API on " + hostPort(address) + ": " + reason(e), e);
        }
        EtcdGateway gateway = new EtcdGateway(memberId, server, executor, streams, admin);
        admin.advertise(gateway.boundAddress());
        log.info("member {} serves etcd's v3 API on {} ({})", memberId, hostPort(gateway.boundAddress()),
                member.tls().clientTls() ? "TLS" : "plaintext");
        return gateway;
    }

    /**
     * Plaintext HTTP/2, or TLS with the member's client certificate and CAs. The key and trust managers
     * are the member's reloading ones, so a changed certificate reaches new etcd connections as it does
     * native ones.
     */
    private static ServerCredentials credentials(ServerTls tls) {
        if (!tls.clientTls()) {
            return InsecureServerCredentials.create();
        }
        TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder().keyManager(tls.serverKeys())
                .clientAuth(tls.clientCertAuth() ? TlsServerCredentials.ClientAuth.REQUIRE
                        : TlsServerCredentials.ClientAuth.NONE);
        if (tls.clientCas() != null) {
            credentials.trustManager(tls.clientCas());
        }
        return credentials.build();
    }

    /** The address the gateway listens on (useful when it was asked for port 0). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getListenSockets().getFirst();
    }

    /**
     * Stops taking calls, ends the streams only clients end (watches, keep-alives), lets the calls in
     * flight finish for a few seconds, then cancels the rest.
     */
    @Override
    public void close() {
        server.shutdown();
        streams.stopAll();
        try {
            if (!server.awaitTermination(SHUTDOWN_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("member {} stops its etcd API with calls still in flight; they are cancelled", memberId);
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            admin.close();
            executor.shutdown();
        }
    }

    private static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")) {
                return "the address is already in use";
            }
        }
        return e.getMessage();
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
