package io.tern.raft.transport;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Looks peers' names up with the JVM's resolver (as Netty's default does, so /etc/hosts and the
 * system's search domains behave the same), but on {@code lookups}' threads, never on the event loop:
 * the member's Raft loop runs there, and a slow or failing lookup of a peer being reconnected would
 * stop its ticks, its peers' messages and its clients' requests. An address given as an IP literal
 * is parsed at once.
 */
final class OffLoopAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    /** The lookup itself: {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    interface HostLookup {
        InetAddress[] lookUp(String host) throws UnknownHostException;
    }

    private final Executor lookups;
    private final HostLookup lookup;

    OffLoopAddressResolverGroup(Executor lookups) {
        this(lookups, InetAddress::getAllByName);
    }

    OffLoopAddressResolverGroup(Executor lookups, HostLookup lookup) {
        this.lookups = lookups;
        this.lookup = lookup;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                lookUpOffTheLoop(host, promise, all -> all[0]);
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                lookUpOffTheLoop(host, promise, Arrays::asList);
            }
        }.asAddressResolver();
    }

    private <T> void lookUpOffTheLoop(String host, Promise<T> promise, Function<InetAddress[], T> answer) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                promise.trySuccess(answer.apply(new InetAddress[] {InetAddress.getByAddress(host, literal)}));
            } catch (UnknownHostException e) {
                promise.tryFailure(e); // not for a literal's length of 4 or 16 bytes
            }
            return;
        }
        try {
            lookups.execute(() -> {
                try {
                    promise.trySuccess(answer.apply(lookup.lookUp(host)));
                } catch (UnknownHostException | RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(e); // the transport is closing
        }
    }
}
