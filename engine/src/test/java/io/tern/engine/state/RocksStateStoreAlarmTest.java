package io.tern.engine.state;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.config;
import static io.tern.engine.state.TestEntries.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Alarms are replicated state: applied from the log, kept by a reopen and carried by a checkpoint, and
 * dropped with their member, whom nobody else could ask to clear them.
 */
class RocksStateStoreAlarmTest {

    @TempDir
    Path temp;

    private static Command.SetAlarm raise(long member, String detail) {
        return new Command.SetAlarm(member, Alarm.Type.NOSPACE, true, detail);
    }

    private static Command.SetAlarm clear(long member) {
        return new Command.SetAlarm(member, Alarm.Type.NOSPACE, false, "");
    }

    @Test
    void alarmsAreRaisedAndClearedByEntriesAndListedByMember() {
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            assertEquals(List.of(), store.alarms());
            store.apply(List.of(command(1, raise(3, "three is full")), put(2, "k", "v"), command(3, raise(1, "one is full"))));
            assertEquals(List.of(new Alarm(1, Alarm.Type.NOSPACE, "one is full"),
                    new Alarm(3, Alarm.Type.NOSPACE, "three is full")), store.alarms());
            store.apply(List.of(command(4, clear(3)), command(5, clear(2))));
            assertEquals(List.of(new Alarm(1, Alarm.Type.NOSPACE, "one is full")), store.alarms(),
                    "clearing one alarm leaves the others; clearing an alarm never raised changes nothing");
            store.apply(List.of(command(6, raise(1, "one is still full"))));
            assertEquals(List.of(new Alarm(1, Alarm.Type.NOSPACE, "one is still full")), store.alarms());
        }
    }

    @Test
    void alarmsSurviveAReopenAndTravelInACheckpoint() {
        Path live = temp.resolve("live");
        Path checkpoint = temp.resolve("snapshots/at-2");
        List<Alarm> expected = List.of(new Alarm(2, Alarm.Type.NOSPACE, "two is full"));
        try (RocksStateStore store = RocksStateStore.open(live)) {
            store.apply(List.of(command(1, raise(2, "two is full")), command(2, raise(5, "five is full"))));
            store.apply(List.of(command(3, clear(5))));
            store.checkpoint(checkpoint);
        }
        try (RocksStateStore reopened = RocksStateStore.open(live)) {
            assertEquals(expected, reopened.alarms());
        }
        try (RocksStateStore snapshot = RocksStateStore.open(checkpoint)) {
            assertEquals(expected, snapshot.alarms());
        }
    }

    private static Membership members(long... ids) {
        Membership membership = Membership.EMPTY;
        for (long id : ids) {
            membership = membership.with(new Member(id, "127.0.0.1:" + (7000 + id), true));
        }
        return membership;
    }

    @Test
    void removingAMemberDropsItsAlarmsInTheStateAndInItsCheckpoints() {
        Path live = temp.resolve("live");
        Path checkpoint = temp.resolve("snapshots/at-4");
        List<Alarm> expected = List.of(new Alarm(1, Alarm.Type.NOSPACE, "one is full"));
        try (RocksStateStore store = RocksStateStore.open(live)) {
            store.apply(List.of(config(1, 1, members(1, 2, 3)), command(2, raise(2, "two is full")),
                    command(3, raise(1, "one is full"))));
            store.apply(List.of(config(4, 1, members(1, 3))));
            assertEquals(expected, store.alarms(), "member 2 is gone, and so is its alarm; member 1's stays");
            store.checkpoint(checkpoint);
        }
        try (RocksStateStore reopened = RocksStateStore.open(live)) {
            assertEquals(expected, reopened.alarms());
        }
        try (RocksStateStore snapshot = RocksStateStore.open(checkpoint)) {
            assertEquals(expected, snapshot.alarms());
        }
    }

    @Test
    void anAlarmRaisedForAMemberNoLongerInTheMembershipChangesNothing() {
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            store.apply(List.of(config(1, 1, members(1, 3)), command(2, raise(2, "two, removed before its alarm"))));
            assertEquals(List.of(), store.alarms());
            store.apply(List.of(config(3, 1, members(1, 2, 3)), command(4, raise(2, "two is back and full"))));
            assertEquals(List.of(new Alarm(2, Alarm.Type.NOSPACE, "two is back and full")), store.alarms());
        }
    }
}
