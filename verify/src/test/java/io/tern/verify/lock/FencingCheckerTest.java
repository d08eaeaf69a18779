package io.tern.verify.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FencingCheckerTest {

    @Test
    void holdersTakingTurnsPass() {
        assertEquals(List.of(), FencingChecker.check(List.of(
                new FencedWrite("a", 10, 11), new FencedWrite("a", 10, 12), new FencedWrite("b", 13, 15),
                new FencedWrite("c", 14, 17))));
    }

    @Test
    void anEarlierHolderWritingAfterALaterOneIsCaughtWhateverOrderTheyAreRecordedIn() {
        assertEquals(List.of("a (lock revision 10) wrote at revision 16 after b (lock revision 13) had written at 15:"
                        + " two holders at once"),
                FencingChecker.check(List.of(new FencedWrite("a", 10, 16), new FencedWrite("a", 10, 11),
                        new FencedWrite("b", 13, 15))));
    }

    @Test
    void twoHoldersClaimingOneLockRevisionAreCaught() {
        assertEquals(List.of("b and a both wrote under lock revision 10"),
                FencingChecker.check(List.of(new FencedWrite("a", 10, 11), new FencedWrite("b", 10, 12))));
    }
}
