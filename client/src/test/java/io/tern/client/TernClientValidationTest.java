package io.tern.client;

import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static io.tern.client.ClientTests.failure;
import static io.tern.client.ClientTests.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import io.tern.platform.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the client refuses before sending, endpoint parsing, and refusals from the node. */
@Timeout(60)
class TernClientValidationTest {

    @Test
    void oversizedKeysAndFramesAreRefusedWithoutSending() throws Exception {
        try (FakeServer server = FakeServer.start(); TernClient client = clientOf(server.endpoint()).build()) {
            byte[] bigKey = new byte[ProtocolLimits.MAX_KEY_BYTES + 1];
            RequestRefusedException e = assertThrows(RequestRefusedException.class, () -> client.put(bigKey, b("v")));
            assertEquals(Status.TOO_LARGE, e.status());
            assertTrue(e.getMessage().contains("16384"), e.getMessage());
            failure(RequestRefusedException.class, client.getAsync(bigKey));
            failure(RequestRefusedException.class, client.deleteAsync(bigKey));
            failure(RequestRefusedException.class, client.casAsync(bigKey, null, b("v")));
            failure(RequestRefusedException.class, client.batchAsync(List.of(new BatchOp.Delete(bigKey))));
            byte[] bigValue = new byte[ProtocolLimits.MAX_FRAME_BODY_BYTES];
            assertEquals(Status.TOO_LARGE,
                    failure(RequestRefusedException.class, client.putAsync(b("k"), bigValue)).status());
            failure(RequestRefusedException.class, client.scanAsync(bigValue, new byte[0], 0));

            byte[] largestKey = new byte[ProtocolLimits.MAX_KEY_BYTES];
            assertEquals(1, client.put(largestKey, b("v")));
            assertEquals(1, server.received().size(), "only the request within the limits was sent");
        }
    }

    @Test
    void refusalsAndErrorsFromTheNodeAreNotRetried() throws Exception {
        try (FakeServer server = FakeServer.start().handler(e -> e.reply(switch (e.opcode()) {
                    case GET -> new Response.BadRequest(e.id(), "bad readMode");
                    case PUT -> new Response.TooLarge(e.id(), "value over --max-value-bytes");
                    default -> new Response.Internal(e.id(), "bug");
                }));
                TernClient client = clientOf(server.endpoint()).build()) {
            RequestRefusedException bad = failure(RequestRefusedException.class, client.getAsync(b("k")));
            assertEquals(Status.BAD_REQUEST, bad.status());
            assertEquals("bad readMode", bad.getMessage());
            RequestRefusedException large = assertThrows(RequestRefusedException.class, () -> client.put(b("k"), b("v")));
            assertEquals(Status.TOO_LARGE, large.status());
            ServerErrorException internal = assertThrows(ServerErrorException.class, client::ping);
            assertTrue(internal.getMessage().contains("bug"));
            assertEquals(3, server.received().size());
        }
    }

    @Test
    void endpointsAreParsedWithOneLineMessages() {
        assertEquals(new HostPort("localhost", 7379), EndpointList.parse(" localhost:7379 "));
        assertEquals(new HostPort("::1", 7379), EndpointList.parse("[::1]:7379"));
        assertEquals("[::1]:7379", EndpointList.parse("[::1]:7379").toString());
        for (String bad : List.of("", "host", "host:", ":7379", "host:port", "host:0", "host:70000", "::1:7379",
                "[::1]7379", "a b:1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointList.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
        IllegalArgumentException listed = assertThrows(IllegalArgumentException.class,
                () -> TernClient.builder().endpoints("a:1,b:x"));
        assertTrue(listed.getMessage().contains("'b:x'"), listed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TernClient.builder().endpoints(List.of()));
        assertThrows(IllegalArgumentException.class, () -> TernClient.builder().endpoints(" , "));
        assertThrows(IllegalArgumentException.class, () -> TernClient.builder().build());
        assertEquals(List.of(new HostPort("a", 1), new HostPort("b", 2)),
                EndpointList.parseAll(EndpointList.split("a:1, b:2,a:1,")));
    }

    @Test
    void builderRefusesNonsense() {
        TernClientBuilder builder = TernClient.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.requestTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.connectTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> builder.connectionsPerEndpoint(0));
        assertThrows(NullPointerException.class, () -> builder.requestTimeout(null));
    }

    @Test
    void argumentsAreCheckedByTheCallItself() {
        try (TernClient client = clientOf("127.0.0.1:1").build()) {
            assertThrows(NullPointerException.class, () -> client.getAsync(null));
            assertThrows(NullPointerException.class, () -> client.putAsync(b("k"), null));
            assertThrows(NullPointerException.class, () -> client.getAsync(b("k"), null));
            assertThrows(IllegalArgumentException.class, () -> client.scanAsync(b("a"), b("b"), -1));
            assertThrows(IllegalArgumentException.class, () -> client.statusAsync("nonsense"));
        }
    }

    @Test
    void aBlockingCallInsideACallbackIsRefusedInsteadOfDeadlocking() throws Exception {
        try (FakeServer server = FakeServer.start(); TernClient client = clientOf(server.endpoint()).build()) {
            // The ping is answered only after the callback is attached, so the callback runs on the
            // client's I/O thread; had the answer come first, it would run here, where blocking is fine.
            CompletableFuture<FakeServer.Exchange> heldPing = new CompletableFuture<>();
            server.handler(exchange -> {
                if (!(exchange.request() instanceof Request.Ping) || !heldPing.complete(exchange)) {
                    exchange.replyFromStore();
                }
            });
            CompletableFuture<GetResult> nested = client.pingAsync().thenApply(ignored -> client.get(b("k")));
            heldPing.get(10, TimeUnit.SECONDS).replyFromStore();
            CompletionException e = assertThrows(CompletionException.class, nested::join);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            // Composing the async call instead works.
            assertTrue(!result(client.pingAsync().thenCompose(ignored -> client.getAsync(b("k")))).found());
        }
    }

    @Test
    void closingInsideACallbackDoesNotHang() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            TernClient client = clientOf(server.endpoint()).build();
            result(client.pingAsync().thenRun(client::close));
            failure(UnavailableException.class, client.pingAsync());
        }
    }
}
