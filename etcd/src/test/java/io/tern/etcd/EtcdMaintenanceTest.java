package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.assertFailed;
import static io.tern.etcd.EtcdKvTest.assertRefused;
import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.grpc.Status;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.engine.snapshot.SnapshotStore;
import io.tern.engine.state.RocksStateStore;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.server.TernServer;
import io.tern.verify.cluster.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Maintenance service on three members, driven by jetcd as an operator's tool would (and by
 * jetcd's generated stubs for what jetcd does not ask): each member's status, hashes that agree
 * across members, a snapshot that Tern's own loader takes back, alarms, moving the leader, defragment.
 * Each test keeps to keys of its own prefix.
 */
@Timeout(120)
class EtcdMaintenanceTest {

    @TempDir
    static Path data;

    private static EtcdMembers members;

    @BeforeAll
    static void start() {
        members = EtcdMembers.start(3, data);
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    @Test
    void statusTellsEachMembersRaftPositionTheLeaderAndTheStateSize() throws Exception {
        long written = done(kv(members.leader()).put(b("status/k"), b("v"))).getHeader().getRevision();
        awaitAllApplied(written);
        Maintenance maintenance = members.jetcd(members.followers().getFirst()).getMaintenanceClient();
        long leader = members.leader().config().id();
        for (int i = 0; i < 3; i++) {
            TernServer member = members.server(i);
            StatusResponse status = done(maintenance.statusMember(endpoint(member)));
            assertEquals(member.config().id(), status.getHeader().getMemberId(), "the member asked answers");
            assertEquals("3.5.0", status.getVersion());
            assertEquals(leader, status.getLeader());
            assertEquals(member.node().term(), status.getRaftTerm());
            assertTrue(status.getRaftAppliedIndex() >= written, "applied " + status.getRaftAppliedIndex());
            assertTrue(status.getRaftIndex() >= written, "raftIndex is the commit index: " + status.getRaftIndex());
            assertTrue(status.getDbSize() > 0 && status.getDbSizeInUse() <= status.getDbSize(),
                    status.getDbSize() + " in use " + status.getDbSizeInUse());
            assertFalse(status.isLearner());
            assertEquals(List.of(), status.getErrorList());
        }
    }

    @Test
    void hashKvAgreesOnEveryMemberAtARevisionAndChangesWithTheHistory() throws Exception {
        KV kv = kv(members.leader());
        for (int i = 0; i < 20; i++) {
            done(kv.put(b("hash/" + i), b("v" + i)));
        }
        long first = done(kv.delete(b("hash/3"))).getHeader().getRevision();
        long second = done(kv.put(b("hash/3"), b("again"))).getHeader().getRevision();
        awaitAllApplied(second);

        Set<Integer> atFirst = new HashSet<>();
        Set<Integer> atSecond = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Maintenance maintenance = members.jetcd(members.server(i)).getMaintenanceClient();
            atFirst.add(done(maintenance.hashKV(endpoint(members.server(i)), first)).getHash());
            atSecond.add(done(maintenance.hashKV(endpoint(members.server(i)), second)).getHash());
        }
        assertEquals(1, atFirst.size(), "one hash of revision " + first + " on every member: " + atFirst);
        assertEquals(1, atSecond.size(), "one hash of revision " + second + " on every member: " + atSecond);
        assertNotEquals(atFirst, atSecond, "a change makes another hash");

        var raw = io.tern.etcd.api.MaintenanceGrpc.newBlockingStub(members.channel(members.server(1)));
        EtcdServerPb.HashKVResponse current = raw.hashKV(EtcdServerPb.HashKVRequest.getDefaultInstance());
        assertTrue(current.getHashRevision() >= second && current.getHashRevision() == current.getHeader().getRevision(),
                "revision 0 hashes the member's current revision: " + current);
        EtcdServerPb.HashKVResponse past = raw.hashKV(EtcdServerPb.HashKVRequest.newBuilder().setRevision(first).build());
        assertEquals(first, past.getHashRevision());
        assertEquals(members.server(1).engine().compactRevision(), past.getCompactRevision());
        assertTrue(atFirst.contains(past.getHash()));
        assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision",
                () -> raw.hashKV(EtcdServerPb.HashKVRequest.newBuilder().setRevision(current.getHeader().getRevision() + 1000).build()));

        // Compaction drops history alike everywhere: the hash changes, and stays one.
        long compaction = done(kv.compact(first)).getHeader().getRevision();
        awaitAllApplied(compaction);
        Set<Integer> compacted = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            var answer = done(members.jetcd(members.server(i)).getMaintenanceClient().hashKV(endpoint(members.server(i)), second));
            assertEquals(first, answer.getCompacted());
            compacted.add(answer.getHash());
        }
        assertEquals(1, compacted.size(), "after the compaction too, one hash on every member: " + compacted);
        assertNotEquals(atSecond, compacted);
        assertRefused(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted",
                () -> raw.hashKV(EtcdServerPb.HashKVRequest.newBuilder().setRevision(first - 1).build()));
    }

    @Test
    void theWholeStatesHashAgreesOnMembersAtTheSameIndex() throws Exception {
        long written = done(kv(members.leader()).put(b("state-hash/k"), b("v"))).getHeader().getRevision();
        awaitAllApplied(written);
        Await.until("every member to apply the same index", Duration.ofSeconds(10), () -> members.servers().stream()
                .map(s -> s.engine().appliedIndex()).distinct().count() == 1);
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            var hash = MaintenanceGrpc.newBlockingStub(members.channel(members.server(i))).hash(HashRequest.getDefaultInstance());
            hashes.add(hash.getHeader().getRevision() + ":" + hash.getHash());
        }
        assertEquals(1, hashes.size(), "members at one index hash their states alike: " + hashes);
    }

    @Test
    void aSnapshotStreamsABackupThatTernLoadsBack() throws Exception {
        TernServer follower = members.followers().getFirst();
        long written = done(kv(members.leader()).put(b("snapshot/k"), b("in the backup"))).getHeader().getRevision();
        Await.until("the follower to apply the put", Duration.ofSeconds(10),
                () -> follower.engine().appliedIndex() >= written);

        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        long size = done(members.jetcd(follower).getMaintenanceClient().snapshot(saved));
        byte[] backup = saved.toByteArray();
        assertEquals(size, backup.length);
        assertEquals(32, backup.length % 512, "etcdctl saves only what ends in a SHA-256 after whole sectors");

        Snapshot loaded = SnapshotBackup.load(new ByteArrayInputStream(backup),
                SnapshotStore.open(data.resolve("loaded-snapshots")).beginInstall());
        assertTrue(loaded.lastIncludedIndex() >= written);
        assertEquals(List.of(1L, 2L, 3L), loaded.membership().voterIds());
        try (RocksStateStore state = RocksStateStore.open(loaded.directory())) {
            assertEquals(loaded.lastIncludedIndex(), state.appliedIndex());
            assertArrayEquals("in the backup".getBytes(StandardCharsets.UTF_8),
                    state.get("snapshot/k".getBytes(StandardCharsets.UTF_8)).value());
        }

        // On the wire: the first message's header names the snapshot's index, every message says what remains.
        Iterator<SnapshotResponse> messages = MaintenanceGrpc.newBlockingStub(members.channel(follower))
                .snapshot(SnapshotRequest.getDefaultInstance());
        List<SnapshotResponse> all = new ArrayList<>();
        messages.forEachRemaining(all::add);
        assertEquals(follower.config().id(), all.getFirst().getHeader().getMemberId());
        assertTrue(all.getFirst().getHeader().getRevision() >= loaded.lastIncludedIndex());
        long total = all.stream().mapToLong(m -> m.getBlob().size()).sum();
        long received = 0;
        for (SnapshotResponse message : all) {
            received += message.getBlob().size();
            assertEquals(total - received, message.getRemainingBytes());
        }
        assertEquals(32, all.getLast().getBlob().size(), "the SHA-256 comes last, alone, as etcd sends it");
    }

    @Test
    void aNoSpaceAlarmIsListedRefusesWritesAndIsDisarmed() throws Exception {
        TernServer follower = members.followers().getFirst();
        TernServer other = members.followers().getLast();
        long alarmed = members.server(1).config().id();
        var raw = MaintenanceGrpc.newBlockingStub(members.channel(follower));
        Maintenance maintenance = members.jetcd(other).getMaintenanceClient();

        var raised = raw.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setMemberID(alarmed).setAlarm(AlarmType.NOSPACE).build());
        assertEquals(List.of(alarmed), raised.getAlarmsList().stream().map(a -> a.getMemberID()).toList());
        Await.until("another member to list the alarm", Duration.ofSeconds(10), () -> listed(maintenance).equals(
                List.of(alarmed + " NOSPACE")));
        assertFailed(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded",
                kv(other).put(b("alarm/k"), b("v")));
        StatusResponse status = done(maintenance.statusMember(endpoint(other)));
        assertEquals(List.of("memberID:" + alarmed + " alarm:NOSPACE "), status.getErrorList());
        assertRefused(Status.Code.NOT_FOUND, "etcdserver: member not found", () -> raw.alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(99).setAlarm(AlarmType.NOSPACE).build()));

        AlarmResponse disarmed = done(maintenance.alarmDisarm(new AlarmMember(alarmed,
                io.etcd.jetcd.maintenance.AlarmType.NOSPACE)));
        assertEquals(List.of(alarmed + " NOSPACE"), describe(disarmed));
        Await.until("every member to drop the alarm", Duration.ofSeconds(10), () -> members.servers().stream()
                .allMatch(s -> s.engine().alarms().isEmpty()));
        assertEquals(List.of(), listed(maintenance));
        done(kv(other).put(b("alarm/k"), b("v")));
        var again = raw.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                .setMemberID(alarmed).setAlarm(AlarmType.NOSPACE).build());
        assertEquals(0, again.getAlarmsCount(), "nothing was raised, so nothing was disarmed");
    }

    @Test
    void onlyTheLeaderMovesLeadershipAndOnlyToAVoter() throws Exception {
        TernServer leader = members.leader();
        TernServer target = members.followers().getFirst();
        var throughFollower = MaintenanceGrpc.newBlockingStub(members.channel(target));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: not leader",
                () -> throughFollower.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(target.config().id()).build()));
        var throughLeader = MaintenanceGrpc.newBlockingStub(members.channel(leader));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: bad leader transferee",
                () -> throughLeader.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(99).build()));

        done(members.jetcd(leader).getMaintenanceClient().moveLeader(target.config().id()));
        assertEquals(target.config().id(), leader.node().status().leaderId(), "answered once the target leads");
        assertEquals(target, members.leader());
    }

    @Test
    void defragmentDropsWhatWasDeletedFromTheStateFiles() throws Exception {
        TernServer member = members.followers().getFirst();
        KV kv = kv(members.leader());
        Random random = new Random(7);
        long last = 0;
        for (int i = 0; i < 300; i++) {
            byte[] value = new byte[2048];
            random.nextBytes(value);
            last = done(kv.put(b("defrag/" + i), ByteSequence.from(value))).getHeader().getRevision();
        }
        for (int i = 0; i < 300; i++) {
            last = done(kv.delete(b("defrag/" + i))).getHeader().getRevision();
        }
        done(kv.compact(last));
        long compacted = last;
        Await.until("the member to apply the compaction", Duration.ofSeconds(10),
                () -> member.engine().appliedIndex() > compacted);
        Maintenance maintenance = members.jetcd(member).getMaintenanceClient();
        long before = done(maintenance.statusMember(endpoint(member))).getDbSize();

        done(maintenance.defragmentMember(endpoint(member)));

        long after = done(maintenance.statusMember(endpoint(member))).getDbSize();
        assertTrue(after < before / 2, "defragment took the state from " + before + " to " + after + " bytes");
    }

    private static KV kv(TernServer member) {
        return members.jetcd(member).getKVClient();
    }

    private static String endpoint(TernServer member) {
        return "http://" + members.etcdAddress(member);
    }

    private static void awaitAllApplied(long revision) {
        Await.until("every member to apply revision " + revision, Duration.ofSeconds(10),
                () -> members.servers().stream().allMatch(s -> s.engine().appliedIndex() >= revision));
    }

    private static List<String> listed(Maintenance maintenance) {
        return describe(maintenance.listAlarms().join());
    }

    private static List<String> describe(AlarmResponse alarms) {
        return alarms.getAlarms().stream().map(a -> a.getMemberId() + " " + a.getAlarmType()).toList();
    }
}
