package io.tern.verify.cluster;

import io.tern.client.ServerStatus;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Who leads, read off STATUS answers as the server writes them (long ids, verify's int ids out). */
class LeadersTest {

    private static ServerStatus status(long id, String role, long term, long leaderId, long... voters) {
        StringBuilder members = new StringBuilder();
        for (long voter : voters) {
            members.append(members.isEmpty() ? "" : ",")
                    .append("{\"id\":").append(voter).append(",\"address\":\"h:").append(voter)
                    .append("\",\"voter\":true}");
        }
        return ServerStatus.parse("{\"id\":" + id + ",\"role\":\"" + role + "\",\"term\":" + term
                + ",\"leaderId\":" + (leaderId == 0 ? "null" : leaderId)
                + ",\"commitIndex\":5,\"appliedIndex\":5,\"members\":[" + members + "]}");
    }

    @Test
    void aLeaderThatAMajorityOfItsVotersBackIsConfirmed() {
        List<ServerStatus> statuses = List.of(status(1, "FOLLOWER", 4, 2, 1, 2, 3),
                status(2, "LEADER", 4, 2, 1, 2, 3), status(3, "FOLLOWER", 3, 0, 1, 2, 3));
        assertEquals(OptionalInt.of(2), Leaders.confirmedLeader(statuses));
    }

    @Test
    void aLeaderOnlyItselfBacksIsNotConfirmed() {
        List<ServerStatus> statuses = List.of(status(1, "FOLLOWER", 3, 0, 1, 2, 3),
                status(2, "LEADER", 4, 2, 1, 2, 3), status(3, "CANDIDATE", 4, 0, 1, 2, 3));
        assertEquals(OptionalInt.empty(), Leaders.confirmedLeader(statuses));
    }

    @Test
    void theBackingCountsOnlyVotersOfTheLeadersConfiguration() {
        List<ServerStatus> statuses = List.of(status(2, "LEADER", 4, 2, 2, 5, 6),
                status(1, "FOLLOWER", 4, 2, 1, 2, 3), status(3, "FOLLOWER", 4, 2, 1, 2, 3));
        assertEquals(OptionalInt.empty(), Leaders.confirmedLeader(statuses));
    }

    @Test
    void theHighestTermLeaderWinsOverAStaleOne() {
        List<ServerStatus> statuses = List.of(status(1, "LEADER", 3, 1, 1, 2, 3),
                status(3, "LEADER", 5, 3, 1, 2, 3), status(2, "FOLLOWER", 5, 3, 1, 2, 3));
        assertEquals(OptionalInt.of(3), Leaders.highestTermLeader(statuses));
        assertEquals(OptionalInt.empty(), Leaders.highestTermLeader(List.of(status(1, "FOLLOWER", 3, 0, 1))));
    }

    @Test
    void anIdBeyondAnIntIsRefusedRatherThanTruncated() {
        assertThrows(ArithmeticException.class,
                () -> Leaders.highestTermLeader(List.of(status(1L << 32, "LEADER", 1, 1L << 32, 1L << 32))));
    }
}
