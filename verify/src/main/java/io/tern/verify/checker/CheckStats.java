package io.tern.verify.checker;

import java.time.Duration;

/**
 * The size of a check.
 *
 * @param recordedOperations every operation in the history
 * @param searchedOperations those the searches had to place: not failed, not a LOCAL read, not an
 *     unknown operation that nobody could have observed
 */
public record CheckStats(int recordedOperations, int searchedOperations, int partitions, long statesExplored, Duration elapsed) {
}
