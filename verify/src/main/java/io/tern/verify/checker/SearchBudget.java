package io.tern.verify.checker;

/**
 * How far one search may go: until a deadline ({@link System#nanoTime()} clock) and up to a number
 * of remembered states (the search also keeps its states within half the heap on its own).
 */
record SearchBudget(long deadlineNanos, long maxStates) {

    static SearchBudget of(long timeoutNanos, long maxStates) {
        long now = System.nanoTime();
        // Saturate: a huge timeout must not wrap the deadline into the past.
        long deadline = timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutNanos;
        return new SearchBudget(deadline, maxStates);
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadlineNanos > 0;
    }
}
