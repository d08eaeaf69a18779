package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.assertFailed;
import static io.tern.etcd.EtcdKvTest.assertRefused;
import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.LeaseGrpc;
import io.tern.server.TernServer;
import io.tern.server.lease.LeaseTtl;
import io.tern.verify.cluster.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Lease service on one member, driven by jetcd and, for what jetcd's API cannot ask (an id of
 * the client's choosing, the list of leases, a keep-alive's exact answer), by a generated stub.
 */
@Timeout(120)
class EtcdLeaseTest {

    @TempDir
    static Path data;

    private static EtcdMembers members;
    private static TernServer member;
    private static KV kv;
    private static Lease lease;
    private static Watch watch;
    private static LeaseGrpc.LeaseBlockingStub raw;
    private static LeaseGrpc.LeaseStub rawStreams;
    private static long minimumTtl;

    @BeforeAll
    static void start() {
        members = EtcdMembers.start(1, data);
        member = members.only();
        Client client = members.jetcd(member);
        kv = client.getKVClient();
        lease = client.getLeaseClient();
        watch = client.getWatchClient();
        raw = LeaseGrpc.newBlockingStub(members.channel(member));
        rawStreams = LeaseGrpc.newStub(members.channel(member));
        minimumTtl = LeaseTtl.minimumSeconds(member.config().electionTimeout());
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    @Test
    void aGrantedLeaseHasItsTtlAndTheKeysAttachedToIt() throws Exception {
        LeaseGrantResponse granted = done(lease.grant(30));
        assertNotEquals(0, granted.getID());
        assertEquals(30, granted.getTTL());
        assertTrue(granted.getHeader().getRevision() > 0);
        assertEquals(member.config().id(), granted.getHeader().getMemberId());
        done(kv.put(b("ttl/b"), b("v"), PutOption.builder().withLeaseId(granted.getID()).build()));
        done(kv.put(b("ttl/a"), b("v"), PutOption.builder().withLeaseId(granted.getID()).build()));

        LeaseTimeToLiveResponse left = done(lease.timeToLive(granted.getID(), LeaseOption.builder().withAttachedKeys().build()));
        assertEquals(granted.getID(), left.getID());
        assertEquals(30, left.getGrantedTTL());
        assertTrue(left.getTTL() > 0 && left.getTTL() <= 30, "TTL left: " + left.getTTL());
        assertEquals(List.of("ttl/a", "ttl/b"), left.getKeys().stream().map(EtcdKvTest::s).toList());
        assertTrue(done(lease.timeToLive(granted.getID(), LeaseOption.DEFAULT)).getKeys().isEmpty(), "keys only when asked");
    }

    @Test
    void aLeaseThatDoesNotExistHasATtlOfMinusOne() throws Exception {
        LeaseTimeToLiveResponse unknown = done(lease.timeToLive(0x5eed, LeaseOption.DEFAULT));
        assertEquals(0x5eed, unknown.getID());
        assertEquals(-1, unknown.getTTL());
        assertEquals(0, unknown.getGrantedTTL());
    }

    @Test
    void aTtlUnderTheMinimumIsRaisedToIt() throws Exception {
        assertEquals(minimumTtl, done(lease.grant(0)).getTTL());
        assertEquals(minimumTtl, raw.leaseGrant(EtcdServerPb.LeaseGrantRequest.newBuilder().setTTL(-5).build()).getTTL());
    }

    @Test
    void theClientMayChooseTheIdAndGetsEtcdsErrors() {
        EtcdServerPb.LeaseGrantRequest chosen = EtcdServerPb.LeaseGrantRequest.newBuilder().setID(0x7e57).setTTL(60).build();
        assertEquals(0x7e57, raw.leaseGrant(chosen).getID());
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists", () -> raw.leaseGrant(chosen));
        assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL", () -> raw.leaseGrant(
                EtcdServerPb.LeaseGrantRequest.newBuilder().setTTL(LeaseTtl.MAX_SECONDS + 1).build()));
        assertFailed(Status.Code.NOT_FOUND, "etcdserver: requested lease not found", lease.revoke(0x404));
    }

    @Test
    void theLeasesAreListed() throws Exception {
        long first = done(lease.grant(60)).getID();
        long second = done(lease.grant(60)).getID();
        assertTrue(leases().containsAll(List.of(first, second)));
        done(lease.revoke(first));
        List<Long> after = leases();
        assertFalse(after.contains(first));
        assertTrue(after.contains(second));
    }

    @Test
    void revokingALeaseDeletesItsKeysAtOneRevision() throws Exception {
        long id = done(lease.grant(60)).getID();
        done(kv.put(b("revoke/a"), b("v"), PutOption.builder().withLeaseId(id).build()));
        done(kv.put(b("revoke/b"), b("v"), PutOption.builder().withLeaseId(id).build()));
        List<Watch.Watcher> watchers = new ArrayList<>();
        WatchRecorder seen = WatchRecorder.watching(watch, "revoke/", WatchOption.builder().isPrefix(true), watchers);
        long revoked = done(lease.revoke(id)).getHeader().getRevision();
        assertEquals(List.of("DELETE revoke/a=@" + revoked, "DELETE revoke/b=@" + revoked),
                WatchRecorder.described(seen.awaitEvents(2)));
        watchers.forEach(Watch.Watcher::close);
        assertEquals(0, done(kv.get(b("revoke/"), GetOption.builder().isPrefix(true).build())).getCount());
        assertEquals(-1, done(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL());
    }

    @Test
    void aLeaseNotKeptAliveExpiresWithItsKeysNoSoonerThanItsTtl() throws Exception {
        long asked = System.nanoTime();
        LeaseGrantResponse granted = done(lease.grant(minimumTtl));
        done(kv.put(b("expiry/k"), b("v"), PutOption.builder().withLeaseId(granted.getID()).build()));
        Await.until("the lease's key to go", Duration.ofSeconds(minimumTtl + 10),
                () -> count("expiry/k") == 0);
        long lived = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertTrue(lived >= TimeUnit.SECONDS.toMillis(minimumTtl), "expired after " + lived + " ms");
        assertEquals(-1, done(lease.timeToLive(granted.getID(), LeaseOption.DEFAULT)).getTTL());
        assertInstanceOf(EtcdException.class, keepAliveOnceFailure(granted.getID()));
    }

    @Test
    void aKeepAliveRenewsTheLeaseToItsFullTtl() throws Exception {
        long id = done(lease.grant(20)).getID();
        LeaseKeepAliveResponse renewed = done(lease.keepAliveOnce(id));
        assertEquals(id, renewed.getID());
        assertEquals(20, renewed.getTTL());

        EtcdException notFound = keepAliveOnceFailure(0x404);
        assertEquals("etcdserver: requested lease not found", notFound.getMessage());
    }

    @Test
    void aLeaseKeptAliveOutlivesItsTtl() throws Exception {
        long ttl = 2;
        long granted = System.nanoTime();
        long id = done(lease.grant(ttl)).getID();
        done(kv.put(b("kept/k"), b("v"), PutOption.builder().withLeaseId(id).build()));
        BlockingQueue<LeaseKeepAliveResponse> renewals = new LinkedBlockingQueue<>();
        List<Throwable> errors = new ArrayList<>();
        try (CloseableClient ignored = lease.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                renewals.add(response);
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }

            @Override
            public void onCompleted() {
            }
        })) {
            // jetcd renews every third of the TTL (on a half-second tick): over twice the TTL takes several.
            Await.until("renewals for over twice the TTL", Duration.ofSeconds(20), () -> renewals.size() >= 5
                    && System.nanoTime() - granted > TimeUnit.SECONDS.toNanos(2 * ttl));
            assertTrue(renewals.stream().allMatch(r -> r.getID() == id && r.getTTL() == ttl), renewals.toString());
            assertEquals(1, count("kept/k"), "the key of a lease kept alive stays");
            assertTrue(done(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL() > 0);
            assertTrue(errors.isEmpty(), errors.toString());
        }
    }

    /** The keep-alive stream's own answers: each request answered with its id, 0 for a lease that is gone. */
    @Test
    void aKeepAliveStreamAnswersEveryRequestAndEndsWhenTheClientDoes() throws Exception {
        long id = done(lease.grant(30)).getID();
        BlockingQueue<EtcdServerPb.LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        BlockingQueue<String> ends = new LinkedBlockingQueue<>();
        StreamObserver<EtcdServerPb.LeaseKeepAliveRequest> requests = rawStreams.leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(EtcdServerPb.LeaseKeepAliveResponse answer) {
                answers.add(answer);
            }

            @Override
            public void onError(Throwable error) {
                ends.add(Status.fromThrowable(error).toString());
            }

            @Override
            public void onCompleted() {
                ends.add("completed");
            }
        });
        int asked = 40;
        for (int i = 0; i < asked; i++) {
            requests.onNext(EtcdServerPb.LeaseKeepAliveRequest.newBuilder().setID(i % 2 == 0 ? id : 0x404).build());
        }
        requests.onCompleted();
        assertEquals("completed", ends.poll(20, TimeUnit.SECONDS));
        List<EtcdServerPb.LeaseKeepAliveResponse> all = new ArrayList<>(answers);
        assertEquals(asked, all.size(), "more requests than the stream takes at once, all answered");
        assertEquals(asked / 2, all.stream().filter(a -> a.getID() == id && a.getTTL() == 30).count());
        assertEquals(asked / 2, all.stream().filter(a -> a.getID() == 0x404 && a.getTTL() == 0).count());
        assertTrue(all.stream().allMatch(a -> a.getHeader().getMemberId() == member.config().id()));
    }

    private static EtcdException keepAliveOnceFailure(long id) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> lease.keepAliveOnce(id).get(20, TimeUnit.SECONDS));
        return assertInstanceOf(EtcdException.class, failed.getCause());
    }

    private static List<Long> leases() {
        return raw.leaseLeases(EtcdServerPb.LeaseLeasesRequest.getDefaultInstance()).getLeasesList().stream()
                .map(EtcdServerPb.LeaseStatus::getID).toList();
    }

    private static long count(String key) {
        try {
            return done(kv.get(b(key))).getCount();
        } catch (Exception e) {
            throw new AssertionError("reading " + key, e);
        }
    }
}
