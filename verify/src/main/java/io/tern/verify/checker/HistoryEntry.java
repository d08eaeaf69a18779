package io.tern.verify.checker;

import io.tern.verify.history.Operation;

/**
 * An operation with its position in the history, which names it in reports. The operation may be
 * a weakened form of the recorded one (see {@link Weakening}); the id still names the original.
 */
record HistoryEntry(int id, Operation operation) {
}
