package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.assertRefused;
import static io.tern.etcd.EtcdKvTest.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberAddResponse;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.platform.ListenPorts;
import io.tern.server.TernServer;
import io.tern.verify.cluster.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Cluster service on three members, driven by jetcd (and, for the exact refusals, jetcd's
 * generated stubs): the member list any one endpoint gives, a learner's whole life through etcd's
 * calls, and etcd's refusals.
 */
@Timeout(120)
class EtcdMembershipTest {

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
    void oneFollowersEndpointListsEveryMemberWithItsEtcdAndNativeAddresses() throws Exception {
        TernServer follower = members.followers().getFirst();
        MemberListResponse list = done(members.jetcd(follower).getClusterClient().listMember());

        List<String> expected = List.of(1, 2, 3).stream().map(i -> listed(members.server(i - 1))).toList();
        assertEquals(expected, list.getMembers().stream().map(EtcdMembershipTest::describe).toList());
        assertEquals(follower.config().id(), list.getHeader().getMemberId());
        assertNotEquals(0, list.getHeader().getClusterId());

        // etcd 3.5's clients ask for a linearizable list (a field jetcd's proto lacks, so through ours).
        var linearizable = io.tern.etcd.api.ClusterGrpc.newBlockingStub(members.channel(follower))
                .memberList(EtcdServerPb.MemberListRequest.newBuilder().setLinearizable(true).build());
        List<String> listedLinearizably = new ArrayList<>();
        for (EtcdServerPb.Member member : linearizable.getMembersList()) {
            listedLinearizably.add(describe(new Member(io.etcd.jetcd.api.Member.parseFrom(member.toByteString()))));
        }
        assertEquals(expected, listedLinearizably);
    }

    @Test
    void aLearnerIsAddedStartedPromotedAndRemovedThroughEtcdsCalls() throws Exception {
        TernServer follower = members.followers().getFirst();
        Cluster cluster = members.jetcd(follower).getClusterClient();
        ClusterGrpc.ClusterBlockingStub raw = ClusterGrpc.newBlockingStub(members.channel(follower));
        String address = "127.0.0.1:" + ListenPorts.pick();

        MemberAddResponse added = done(cluster.addMember(List.of(URI.create("http://" + address)), true));
        assertEquals("4  [http://" + address + "] [] learner", describe(added.getMember()),
                "the next id above the members'; etcd leaves the new member's name and client URLs empty");
        assertEquals("4  [http://" + address + "] [] learner", describe(added.getMembers().getLast()),
                "not started yet, so listed as etcd lists an unstarted member");
        assertEquals(4, added.getMembers().size());

        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster",
                () -> raw.memberAdd(MemberAddRequest.newBuilder().addPeerURLs("http://127.0.0.1:" + ListenPorts.pick())
                        .setIsLearner(true).build()));
        assertRefused(Status.Code.FAILED_PRECONDITION,
                "etcdserver: can only promote a learner member which is in sync with leader",
                () -> raw.memberPromote(MemberPromoteRequest.newBuilder().setID(4).build()));

        TernServer learner = members.join(4, address);
        Await.until("member 4 to be listed with its etcd client URL", Duration.ofSeconds(20),
                () -> listed(learner).replace(" voter", " learner").equals(describe(cluster.listMember().join().getMembers().getLast())));
        Await.until("the learner to catch up", Duration.ofSeconds(20),
                () -> learner.engine().appliedIndex() >= members.leader().node().status().commitIndex());

        var promoted = done(cluster.promoteMember(4));
        assertEquals(listed(learner), describe(promoted.getMembers().getLast()));
        MemberListResponse throughNewMember = done(members.jetcd(learner).getClusterClient().listMember());
        assertEquals(List.of(listed(members.server(0)), listed(members.server(1)), listed(members.server(2)),
                listed(learner)), throughNewMember.getMembers().stream().map(EtcdMembershipTest::describe).toList());

        var removed = done(cluster.removeMember(4));
        assertEquals(List.of(1L, 2L, 3L), removed.getMembers().stream().map(Member::getId).toList());
        members.stop(learner);
        assertEquals(3, done(cluster.listMember()).getMembers().size());
    }

    @Test
    void refusalsAreEtcds() throws Exception {
        TernServer leader = members.leader();
        ClusterGrpc.ClusterBlockingStub raw = ClusterGrpc.newBlockingStub(members.channel(leader));
        String taken = "http://" + members.server(1).config().advertisedAddress();

        assertRefused(Status.Code.NOT_FOUND, "etcdserver: member not found",
                () -> raw.memberRemove(MemberRemoveRequest.newBuilder().setID(99).build()));
        assertRefused(Status.Code.NOT_FOUND, "etcdserver: member not found",
                () -> raw.memberPromote(MemberPromoteRequest.newBuilder().setID(99).build()));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member",
                () -> raw.memberPromote(MemberPromoteRequest.newBuilder().setID(1).build()));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists",
                () -> raw.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(taken).build()));
        for (String bad : List.of("127.0.0.1:2380", "http://127.0.0.1", "unix:///tmp/etcd.sock", "http://127.0.0.1:2380/path")) {
            assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid",
                    () -> raw.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(bad).build()));
        }
        assertRefused(Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid",
                () -> raw.memberAdd(MemberAddRequest.getDefaultInstance()));

        // The same address is no change; another cannot be made (a Tern member's address is fixed).
        var unchanged = raw.memberUpdate(MemberUpdateRequest.newBuilder().setID(2).addPeerURLs(taken).build());
        assertEquals(3, unchanged.getMembersCount());
        assertRefused(Status.Code.NOT_FOUND, "etcdserver: member not found",
                () -> raw.memberUpdate(MemberUpdateRequest.newBuilder().setID(99).addPeerURLs(taken).build()));
        assertRefused(Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists",
                () -> raw.memberUpdate(MemberUpdateRequest.newBuilder().setID(3).addPeerURLs(taken).build()));
        StatusRuntimeException moved = assertThrows(StatusRuntimeException.class,
                () -> raw.memberUpdate(MemberUpdateRequest.newBuilder().setID(2).addPeerURLs("http://127.0.0.1:1").build()));
        assertEquals(Status.Code.UNIMPLEMENTED, moved.getStatus().getCode());
        assertTrue(moved.getStatus().getDescription().contains("remove the member and add it again"), moved.toString());

        List<String> after = raw.memberList(MemberListRequest.getDefaultInstance()).getMembersList().stream()
                .map(m -> describe(new Member(m))).toList();
        assertEquals(List.of(listed(members.server(0)), listed(members.server(1)), listed(members.server(2))), after,
                "no refused change changed anything");
        assertFalse(after.stream().anyMatch(m -> m.contains("learner")));
    }

    /** How {@code member} must be listed: its id, name, native address as peer URL, etcd address as client URL. */
    private static String listed(TernServer member) {
        long id = member.config().id();
        return id + " tern-" + id + " [http://" + member.config().advertisedAddress() + "] [http://"
                + members.etcdAddress(member) + "] voter";
    }

    private static String describe(Member member) {
        return member.getId() + " " + member.getName() + " " + member.getPeerURIs() + " " + member.getClientURIs()
                + (member.isLearner() ? " learner" : " voter");
    }
}
