package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.LeaseGrpc;
import io.tern.server.TernServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches and leases on three members: a follower serves watches from its own applied state, and
 * lease calls through a follower reach the leader's lease clock; a gateway that stops ends its
 * streams at once with etcd's "server stopped".
 */
@Timeout(120)
class EtcdStreamsClusterTest {

    @TempDir
    Path data;

    @Test
    void followersServeWatchesAndLeaseCalls() throws Exception {
        try (EtcdMembers members = EtcdMembers.start(3, data)) {
            List<TernServer> followers = members.followers();
            TernServer writer = followers.get(0);
            TernServer watcher = followers.get(1);
            Client writes = members.jetcd(writer);
            Client watches = members.jetcd(watcher);
            List<Watch.Watcher> opened = new ArrayList<>();
            WatchRecorder seen = WatchRecorder.watching(watches.getWatchClient(), "cluster/", WatchOption.builder().isPrefix(true),
                    opened);

            long id = done(writes.getLeaseClient().grant(30)).getID();
            long put = done(writes.getKVClient().put(b("cluster/k"), b("v"), PutOption.builder().withLeaseId(id).build()))
                    .getHeader().getRevision();
            assertEquals(List.of("PUT cluster/k=v@" + put), WatchRecorder.described(seen.awaitEvents(1)));
            WatchResponse carried = seen.responses().stream().filter(r -> !r.getEvents().isEmpty()).findFirst().orElseThrow();
            assertEquals(watcher.config().id(), carried.getHeader().getMemberId(), "the follower's own watch");

            // Keep-alive and time-to-live are the leader's to answer: the follower forwards them.
            assertEquals(30, done(watches.getLeaseClient().keepAliveOnce(id)).getTTL());
            assertEquals(30, done(watches.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)).getGrantedTTL());
            long revoked = done(watches.getLeaseClient().revoke(id)).getHeader().getRevision();
            assertEquals("DELETE cluster/k=@" + revoked, WatchRecorder.described(seen.awaitEvents(2).get(1)));
            opened.forEach(Watch.Watcher::close);
        }
    }

    @Test
    void aStoppingGatewayEndsItsStreamsWithServerStopped() throws Exception {
        try (EtcdMembers members = EtcdMembers.start(1, data)) {
            TernServer member = members.only();
            ManagedChannel channel = members.channel(member);
            RawWatchStream watchStream = RawWatchStream.open(channel);
            watchStream.create(RawWatchStream.watchKey("stop/k"));
            assertTrue(watchStream.next().getCreated());
            CompletableFuture<Void> keepAliveEnded = new CompletableFuture<>();
            StreamObserver<EtcdServerPb.LeaseKeepAliveRequest> keepAlives = LeaseGrpc.newStub(channel).leaseKeepAlive(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(EtcdServerPb.LeaseKeepAliveResponse response) {
                        }

                        @Override
                        public void onError(Throwable error) {
                            keepAliveEnded.completeExceptionally(error);
                        }

                        @Override
                        public void onCompleted() {
                            keepAliveEnded.complete(null);
                        }
                    });
            keepAlives.onNext(EtcdServerPb.LeaseKeepAliveRequest.newBuilder().setID(1).build());

            long began = System.nanoTime();
            members.stopGateway(member);
            // Without ending them, the gateway would wait out its grace period for streams only clients end.
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) < 3_000, "the gateway stopped at once");
            assertStopped(watchStream.ended());
            assertStopped(keepAliveEnded);
        }
    }

    private static void assertStopped(CompletableFuture<Void> ended) throws Exception {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> ended.get(10, TimeUnit.SECONDS));
        Status status = Status.fromThrowable(failed.getCause());
        assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
        assertEquals("etcdserver: server stopped", status.getDescription());
    }
}
