package io.tern.server.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tern.server.ServerStartException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --metrics-listen HOST:PORT}: {@code GET /metrics} (Prometheus' text format) and
 * {@code GET /health} (200 {@code {"health":"true"}}, or 503 {@code {"health":"false","reason":"..."}}).
 *
 * <p>The JDK's own HTTP server, on one thread of its own ({@code tern-metrics-N}), rather than
 * Netty's HTTP codec on the member's event loops: a scrape walks every meter and reads RocksDB's
 * properties, work that must never hold up a client's connection, and a few requests a minute need
 * neither pipelining nor a second event-loop group.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService thread;

    private MetricsEndpoint(HttpServer http, ExecutorService thread) {
        this.http = http;
        this.thread = thread;
    }

    /**
     * Serves {@code metrics} and {@code health} of member {@code memberId} on {@code address}.
     *
     * @throws ServerStartException with one line when the address cannot be bound
     */
    public static MetricsEndpoint start(long memberId, InetSocketAddress address, Supplier<String> metrics,
                                        MemberHealth health) {
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            String reason = e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")
                    ? "the address is already in use" : String.valueOf(e.getMessage());
            throw new ServerStartException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort()
                    + ": " + reason, e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
                .name("tern-metrics-" + memberId).factory());
        http.setExecutor(thread);
        http.createContext("/metrics", exact("/metrics", exchange ->
                reply(exchange, 200, PROMETHEUS_TEXT, metrics.get())));
        http.createContext("/health", exact("/health", exchange -> {
            MemberHealth.Verdict verdict = health.check();
            reply(exchange, verdict.healthy() ? 200 : 503, "application/json", healthJson(verdict));
        }));
        http.createContext("/", exchange -> reply(exchange, 404, "text/plain; charset=utf-8",
                "not found: this port serves GET /metrics and GET /health\n"));
        http.start();
        log.info("member {} serves /metrics and /health on {}:{}", memberId, http.getAddress().getHostString(),
                http.getAddress().getPort());
        return new MetricsEndpoint(http, thread);
    }

    /** The address bound (useful when port 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    static String healthJson(MemberHealth.Verdict verdict) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("health", Boolean.toString(verdict.healthy()));
        if (!verdict.healthy()) {
            body.put("reason", verdict.reason());
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context matches every path under its own: only the path itself, and only GET, is served. */
    private static HttpHandler exact(String path, HttpHandler handler) {
        return exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
            } else {
                try {
                    handler.handle(exchange);
                } catch (RuntimeException e) {
                    log.warn("{} failed: {}", path, e.toString());
                    reply(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
                }
            }
        };
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
    }
}
