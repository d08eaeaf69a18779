package io.tern.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.LogEntry;
import io.tern.raft.sim.MemoryStorage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a Ready asks for, and in which order the driver must do it. */
class ReadyOrderingTest {

    private static final Membership THREE = new Membership(
            List.of(new Member(1, "a", true), new Member(2, "b", true), new Member(3, "c", true)));

    @Test
    void replyInANewTermLeavesOnlyAfterTheTermAndEntriesAreDurable() {
        MemoryStorage storage = new MemoryStorage(THREE);
        RaftCore follower = RaftCore.start(RaftConfig.defaults(2), storage, new Random(1));
        follower.step(new Message.AppendEntries(1, 2, 5, 0, 0, List.of(LogEntry.noop(1, 5)), 0));
        Ready ready = follower.ready();
        assertEquals(new HardState(5, RaftCore.NONE, 0), ready.hardState().orElseThrow());
        assertEquals(List.of(LogEntry.noop(1, 5)), ready.entries());
        assertEquals(List.of(), ready.messages());
        assertEquals(List.of(Message.AppendEntriesResponse.accepted(2, 1, 5, 1)), ready.messagesAfterPersist());
        assertTrue(ready.needsPersist());
    }

    @Test
    void grantedVoteLeavesOnlyAfterTheVoteIsDurable() {
        RaftCore voter = RaftCore.start(RaftConfig.defaults(2), new MemoryStorage(THREE), new Random(1));
        voter.step(new Message.RequestVote(3, 2, 1, 0, 0, false));
        Ready ready = voter.ready();
        assertEquals(new HardState(1, 3, 0), ready.hardState().orElseThrow());
        assertEquals(List.of(new Message.RequestVoteResponse(2, 3, 1, true)), ready.messagesAfterPersist());
        assertEquals(List.of(), ready.messages());
    }

    @Test
    void leaderSendsEntriesBeforeItsOwnWriteIsDone() {
        RaftCore core = RaftCore.start(RaftConfig.defaults(1).withPreVote(false), new MemoryStorage(THREE), new Random(1));
        core.campaign();
        core.advance(core.ready());
        core.step(new Message.RequestVoteResponse(2, 1, 1, true));
        Ready ready = core.ready();
        assertEquals(List.of(LogEntry.noop(1, 1)), ready.entries());
        assertEquals(2, ready.messages().size(), "AppendEntries to both followers go out at once");
        assertTrue(ready.messages().stream().allMatch(m -> m instanceof Message.AppendEntries));
    }

    @Test
    void aReadyThatOnlyAdvancesTheCommitIndexNeedsNoWrite() {
        MemoryStorage storage = new MemoryStorage(THREE);
        RaftCore core = RaftCore.start(RaftConfig.defaults(1).withPreVote(false), storage, new Random(1));
        core.campaign();
        Ready vote = core.ready();
        storage.persist(vote);
        core.advance(vote);
        core.step(new Message.RequestVoteResponse(2, 1, 1, true));
        Ready append = core.ready();
        storage.persist(append);
        core.advance(append);
        core.step(Message.AppendEntriesResponse.accepted(2, 1, 1, 1));
        Ready commit = core.ready();
        assertEquals(List.of(LogEntry.noop(1, 1)), commit.committedEntries());
        assertEquals(new HardState(1, 1, 1), commit.hardState().orElseThrow(), "the commit index moved");
        // A commit index is never synced on its own (Ready's contract), so the driver must not hold the
        // entries back for a write: that was a hand-off to the log thread and back on every commit.
        assertFalse(commit.needsPersist());
    }

    @Test
    void oneReadyAtATime() {
        RaftCore core = RaftCore.start(RaftConfig.defaults(1), new MemoryStorage(THREE), new Random(1));
        core.campaign();
        Ready ready = core.ready();
        assertThrows(IllegalStateException.class, core::ready);
        assertEquals(false, core.hasReady());
        core.advance(ready);
        assertThrows(IllegalArgumentException.class, () -> core.advance(ready));
    }

    @Test
    void restartRecoversTermVoteLogAndConfiguration() {
        MemoryStorage storage = new MemoryStorage(THREE);
        RaftCore first = RaftCore.start(RaftConfig.defaults(2), storage, new Random(1));
        first.step(new Message.RequestVote(3, 2, 4, 0, 0, false));
        Ready ready = first.ready();
        storage.persist(ready);
        first.advance(ready);
        RaftCore again = RaftCore.start(RaftConfig.defaults(2), storage, new Random(2));
        assertEquals(4, again.term());
        assertEquals(3, again.status().vote());
        // the recovered vote still binds: another candidate of term 4 is refused
        again.step(new Message.RequestVote(1, 2, 4, 10, 4, false));
        assertEquals(List.of(new Message.RequestVoteResponse(2, 1, 4, false)), again.ready().messagesAfterPersist());
    }
}
