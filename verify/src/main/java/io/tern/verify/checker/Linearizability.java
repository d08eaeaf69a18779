package io.tern.verify.checker;

/** The answer for a history or a part of it. */
public enum Linearizability {
    /** Some order of the operations, each taking effect within its interval, explains every result. */
    LINEARIZABLE,
    /** No such order exists: the system broke its promise. */
    NOT_LINEARIZABLE,
    /** The checker ran out of time or memory before it could tell. */
    UNKNOWN
}
