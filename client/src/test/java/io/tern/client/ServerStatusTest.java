package io.tern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerStatusTest {

    /** Captured from a one-node server (ServerStatusParseTest in the server module checks it live). */
    private static final String LEADER = """
            {"id":1,"role":"LEADER","term":1,"leaderId":1,"leaderAddress":"127.0.0.1:31513","commitIndex":2,\
            "appliedIndex":2,"snapshotIndex":0,"members":[{"id":1,"address":"127.0.0.1:31513","voter":true}],\
            "clusterId":"tern-b23ed5e05a5703c7","address":"127.0.0.1:31513","firstLogIndex":1,"lastLogIndex":2,\
            "fsync":"never","alarms":[],"etcdClientUrl":null}""";

    /** The same shape from a follower that knows no leader, with a learner and an alarm raised. */
    private static final String LEADERLESS = """
            {"id":2,"role":"FOLLOWER","term":7,"leaderId":null,"leaderAddress":null,"commitIndex":40,\
            "appliedIndex":39,"snapshotIndex":30,"members":[{"id":1,"address":"[::1]:7379","voter":true},\
            {"id":2,"address":"[::1]:7380","voter":true},{"id":3,"address":"[::1]:7381","voter":false}],\
            "clusterId":"tern-0","address":"[::1]:7380","firstLogIndex":31,"lastLogIndex":41,"fsync":"always",\
            "alarms":[{"memberId":2,"alarm":"NOSPACE","detail":"12 bytes free"}],"etcdClientUrl":"http://[::1]:2380"}""";

    @Test
    void readsEveryFieldOfALeadersStatus() {
        ServerStatus status = ServerStatus.parse(LEADER);
        assertEquals(new ServerStatus(1, "LEADER", 1, 1, "127.0.0.1:31513", 2, 2, 0,
                List.of(new ServerStatus.Member(1, "127.0.0.1:31513", true)), "tern-b23ed5e05a5703c7",
                "127.0.0.1:31513", 1, 2, "never", List.of(), null, LEADER), status);
        assertTrue(status.isLeader());
        assertEquals(List.of(1L), status.voterIds());
    }

    @Test
    void noLeaderReadsAsZeroAndNullAndLearnersAreNotVoters() {
        ServerStatus status = ServerStatus.parse(LEADERLESS);
        assertFalse(status.isLeader());
        assertEquals(0, status.leaderId());
        assertNull(status.leaderAddress());
        assertTrue(status.hasMember(3));
        assertFalse(status.hasVoter(3));
        assertFalse(status.hasMember(4));
        assertEquals(List.of(1L, 2L), status.voterIds());
        assertEquals(List.of(new ServerStatus.Alarm(2, "NOSPACE", "12 bytes free")), status.alarms());
        assertEquals(31, status.firstLogIndex());
        assertEquals("http://[::1]:2380", status.etcdClientUrl());
    }

    @Test
    void fieldsTernAddedReadAsAbsentFromAnOlderNode() {
        ServerStatus status = ServerStatus.parse("""
                {"id":1,"role":"CANDIDATE","term":3,"commitIndex":0,"appliedIndex":0}""");
        assertNull(status.clusterId());
        assertNull(status.address());
        assertNull(status.etcdClientUrl());
        assertEquals(List.of(), status.members());
        assertEquals(0, status.lastLogIndex());
    }

    @Test
    void healthFieldsReadAsTheNodeSentThemAndAsUnknownFromAnOlderNode() {
        ServerStatus leader = ServerStatus.parse("""
                {"id":1,"role":"LEADER","term":2,"commitIndex":9,"appliedIndex":9,"lastLogIndex":9,"healthy":true,\
                "healthReason":null,"leaderContactMs":null,"followers":[{"id":2,"matchIndex":9,"lag":0,"lastContactMs":100},\
                {"id":3,"matchIndex":4,"lag":5,"lastContactMs":null}]}""");
        ServerStatus.Health health = leader.health();
        assertEquals(true, health.healthy());
        assertNull(health.reason());
        assertEquals(-1, health.leaderContactMs());
        assertEquals(new ServerStatus.Follower(2, 9, 0, 100), health.follower(2).orElseThrow());
        assertEquals(new ServerStatus.Follower(3, 4, 5, -1), health.follower(3).orElseThrow(), "never answered");
        assertTrue(health.follower(4).isEmpty());

        ServerStatus.Health follower = ServerStatus.parse("""
                {"id":2,"role":"FOLLOWER","term":2,"commitIndex":9,"appliedIndex":9,"healthy":false,\
                "healthReason":"no leader","leaderContactMs":300,"followers":[]}""").health();
        assertEquals(new ServerStatus.Health(false, "no leader", 300, List.of()), follower);

        assertEquals(new ServerStatus.Health(null, null, -1, List.of()), ServerStatus.parse(LEADER).health());
    }

    @Test
    void refusesWhatIsNotAStatusInOneLine() {
        for (String bad : List.of("", "not json", "[1]", "{\"role\":\"LEADER\"}",
                "{\"id\":null,\"role\":\"LEADER\",\"term\":1,\"commitIndex\":0,\"appliedIndex\":0}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerStatus.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
