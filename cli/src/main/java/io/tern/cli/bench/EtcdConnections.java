package io.tern.cli.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.tern.cli.ClientOptions;
import io.tern.cli.Durations;
import io.tern.platform.HostPort;
import io.tern.verify.api.ClientSecurity;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jetcd clients that {@code tern bench --api etcd} spreads its requests over: {@code perEndpoint}
 * of them for each endpoint, each holding one HTTP/2 connection to that endpoint alone. The list
 * interleaves the endpoints (connection i goes to endpoint i mod E, as etcd's own benchmark tool
 * deals its connections out) and each request takes the next connection in turn, as etcd's
 * client-side balancer does per call, so the requests in flight spread evenly over the endpoints
 * and, within one, over its connections.
 */
final class EtcdConnections implements AutoCloseable {

    private static final ByteSequence PROBE_KEY = ByteSequence.from("tern-bench-probe", StandardCharsets.US_ASCII);

    /**
     * Runs jetcd's completions (and with them the load's next requests) for every client: one pool
     * of a thread per core rather than a cached pool per client, since none of that work blocks.
     */
    private final ExecutorService completions = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), Thread.ofPlatform().name("tern-bench-etcd-", 1).daemon().factory());
    private final List<String> endpoints = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private final KV[] kvs;
    private final AtomicLong turn = new AtomicLong();

    private EtcdConnections(ClientOptions options, int perEndpoint) {
        try {
            for (int i = 0; i < perEndpoint; i++) {
                for (String endpoint : options.endpoints()) {
                    clients.add(client(endpoint, options, completions));
                    this.endpoints.add(endpoint);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.kvs = clients.stream().map(Client::getKVClient).toArray(KV[]::new);
    }

    /**
     * Opens {@code perEndpoint} clients of each {@code HOST:PORT} of {@code options}' endpoints, over TLS
     * with its {@code --cacert}/{@code --cert}/{@code --key}; no connection is made yet.
     */
    static EtcdConnections open(ClientOptions options, int perEndpoint) {
        return new EtcdConnections(options, perEndpoint);
    }

    private static Client client(String endpoint, ClientOptions options, ExecutorService completions) {
        Duration timeout = options.timeout();
        ClientSecurity security = options.security();
        ClientBuilder builder = security.applyTo(Client.builder())
                .executorService(completions)
                .endpoints(security.etcdUrl(HostPort.parse(endpoint).toString()))
                .interceptor(new RequestDeadline(timeout))
                .connectTimeout(timeout);
        options.credentials().ifPresent(credentials -> builder.user(ByteSequence.from(credentials.name(), StandardCharsets.UTF_8))
                .password(ByteSequence.from(credentials.password(), StandardCharsets.UTF_8)));
        return builder.build();
    }

    /** The KV service of the next connection in turn. */
    KV next() {
        return kvs[(int) Long.remainderUnsigned(turn.getAndIncrement(), kvs.length)];
    }

    /**
     * Sends one linearizable get on every connection, so that a run fails fast, with the CLI's
     * one-line "cannot connect" message, when some endpoint does not answer or has no leader.
     */
    void checkReachable(Duration timeout) throws InterruptedException {
        for (int i = 0; i < kvs.length; i++) {
            try {
                kvs[i].get(PROBE_KEY).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw unreachable(i, "no answer within " + Durations.format(timeout));
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw unreachable(i, cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            }
        }
    }

    private UncheckedIOException unreachable(int connection, String reason) {
        return new UncheckedIOException(new ConnectException("etcd at " + endpoints.get(connection) + ": " + reason));
    }

    @Override
    public void close() {
        clients.forEach(Client::close);
        completions.shutdownNow();
    }

    /**
     * Gives every call the request timeout as its gRPC deadline (as etcdctl's --command-timeout
     * does), so that a request to a stuck member ends as DEADLINE_EXCEEDED and its logical client
     * goes on, instead of waiting for an answer that never comes.
     */
    private static final class RequestDeadline implements ClientInterceptor {

        private final long timeoutNanos;

        RequestDeadline(Duration timeout) {
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            CallOptions bounded = options.getDeadline() == null
                    ? options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS) : options;
            return next.newCall(method, bounded);
        }
    }
}
