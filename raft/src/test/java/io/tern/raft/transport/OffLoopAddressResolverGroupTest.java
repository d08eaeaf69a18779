package io.tern.raft.transport;

import io.netty.channel.DefaultEventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffLoopAddressResolverGroupTest {

    private final DefaultEventLoop eventLoop = new DefaultEventLoop();
    private final ExecutorService lookups = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        lookups.shutdownNow();
    }

    private Future<InetSocketAddress> resolveOnTheLoop(OffLoopAddressResolverGroup group, String host) throws Exception {
        return eventLoop.submit(() -> {
            AddressResolver<InetSocketAddress> resolver = group.getResolver(eventLoop);
            return resolver.resolve(InetSocketAddress.createUnresolved(host, 7000));
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aLookupThatHangsLeavesTheEventLoopFree() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        OffLoopAddressResolverGroup group = new OffLoopAddressResolverGroup(lookups, host -> {
            awaitQuietly(answer);
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})};
        });
        Future<InetSocketAddress> resolved = resolveOnTheLoop(group, "member-2.example");

        assertTrue(eventLoop.submit(() -> true).get(5, TimeUnit.SECONDS), "the loop runs on while the lookup hangs");
        assertFalse(resolved.isDone());
        answer.countDown();
        InetSocketAddress address = resolved.get(5, TimeUnit.SECONDS);
        assertEquals("10.0.0.7", address.getAddress().getHostAddress());
        assertEquals(7000, address.getPort());
    }

    @Test
    void anIpLiteralIsParsedWithoutALookup() throws Exception {
        OffLoopAddressResolverGroup group = new OffLoopAddressResolverGroup(lookups, host -> {
            throw new AssertionError("looked up " + host);
        });
        Future<InetSocketAddress> resolved = resolveOnTheLoop(group, "127.0.0.1");
        assertTrue(resolved.isDone(), "answered at once");
        assertEquals("127.0.0.1", resolved.get().getAddress().getHostAddress());
    }

    @Test
    void aFailedLookupFailsTheResolution() throws Exception {
        OffLoopAddressResolverGroup group = new OffLoopAddressResolverGroup(lookups, host -> {
            throw new UnknownHostException(host + ": no such name");
        });
        Future<InetSocketAddress> resolved = resolveOnTheLoop(group, "gone.example");
        assertTrue(resolved.await(5, TimeUnit.SECONDS));
        assertInstanceOf(UnknownHostException.class, resolved.cause());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
