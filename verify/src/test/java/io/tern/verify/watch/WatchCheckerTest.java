package io.tern.verify.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {

    private static final List<Change> WRITES = List.of(
            Change.put("a", 5, "v1"), Change.put("b", 6, "v2"), Change.put("a", 9, "v3"), Change.delete("a", 12));

    private static ObservedWatch prefixA(long start, long completeThrough, Change... events) {
        return new ObservedWatch("watch a*", key -> key.startsWith("a"), start, List.of(events), completeThrough);
    }

    @Test
    void aWatchThatSawEveryChangeOfItsKeysOnceInOrderPasses() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of(), checker.check(List.of(prefixA(1, 12, WRITES.get(0), WRITES.get(2), WRITES.get(3)))));
    }

    @Test
    void aWatchStartedLaterOnlyOwesWhatFollowsItsStart() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of(), checker.check(List.of(prefixA(9, 12, WRITES.get(2), WRITES.get(3)))));
    }

    @Test
    void aGapIsReported() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of("watch a*: missed PUT a=v3 @9 (complete through 12)"), checker.check(List.of(prefixA(1, 12, WRITES.get(0), WRITES.get(3)))));
    }

    @Test
    void aChangeAfterWhatTheWatchClaimsIsNotOwed() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of(), checker.check(List.of(prefixA(1, 9, WRITES.get(0), WRITES.get(2)))));
    }

    @Test
    void duplicatesAndDisorderAreReported() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of("watch a*: PUT a=v1 @5 arrived after revision 9 (out of order)",
                        "watch a*: PUT a=v1 @5 was delivered twice"), checker.check(List.of(prefixA(1, 12, WRITES.get(0), WRITES.get(2), WRITES.get(0), WRITES.get(3)))));
    }

    @Test
    void anEventOutsideTheRangeOrBeforeTheStartIsReported() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of("watch a*: PUT a=v1 @5 is before the watch's start revision 6",
                        "watch a*: PUT b=v2 @6 is not in the watched range"), checker.check(List.of(prefixA(6, 12, WRITES.get(0), WRITES.get(1), WRITES.get(2), WRITES.get(3)))));
    }

    @Test
    void anInventedOrAlteredChangeIsReported() {
        WatchChecker checker = new WatchChecker(WRITES, List.of());

        assertEquals(List.of(
                        "watch a*: PUT a=forged @9 matches no write (acknowledged at that revision, or of unknown outcome)",
                        "watch a*: missed PUT a=v3 @9 (complete through 12)"), checker.check(List.of(prefixA(1, 12, WRITES.get(0), Change.put("a", 9, "forged"), WRITES.get(3)))));
    }

    @Test
    void aWriteOfUnknownOutcomeMayAppearOnceAndAllWatchesMustAgreeOnItsRevision() {
        WatchChecker checker = new WatchChecker(WRITES, List.of(Change.put("a", 0, "maybe")));
        Change maybeAt10 = Change.put("a", 10, "maybe");

        assertEquals(List.of(), checker.check(List.of(prefixA(1, 12, WRITES.get(0), WRITES.get(2), maybeAt10, WRITES.get(3)),
                prefixA(9, 12, WRITES.get(2), maybeAt10, WRITES.get(3)))));
        assertTrue(checker.check(List.of(prefixA(9, 12, WRITES.get(2), maybeAt10, WRITES.get(3)),
                prefixA(9, 12, WRITES.get(2), Change.put("a", 10, "other"), WRITES.get(3)))).contains("watch a*: PUT a=other @10 but another watch saw PUT a=maybe @10"));
    }
}
