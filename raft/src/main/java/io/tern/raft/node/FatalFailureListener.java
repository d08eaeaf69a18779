package io.tern.raft.node;

/**
 * Told once when a member can no longer go on: its storage failed (a log append or sync, the hard
 * state, an apply) or one of its threads died of an unexpected error. By then the member has stopped
 * taking requests and has failed what waited on it; the listener decides what becomes of the process.
 * A server exits, so that a supervisor restarts it rather than leave a member that answers PING but
 * can never write again; a test in one JVM records the call.
 */
@FunctionalInterface
public interface FatalFailureListener {

    /** Does nothing more: the member stays stopped, as an in-JVM node that no one supervises. */
    FatalFailureListener NONE = (line, cause) -> { };

    /**
     * @param line  one line for the operator: the member, its data directory and the error
     * @param cause what failed
     */
    void memberFailed(String line, Throwable cause);
}
