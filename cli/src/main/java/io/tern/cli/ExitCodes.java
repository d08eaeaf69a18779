package io.tern.cli;

/**
 * The exit codes of every {@code bin/tern} command. Like {@code grep}, 1 is an expected "no" (a key
 * not found, a CAS that did not match), not a failure, so that scripts can branch on it.
 */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** {@code get}: the key has no value; {@code cas}: the expected value did not match. */
    public static final int NO = 1;
    /** A bad flag or argument (picocli's own code for invalid input). */
    public static final int USAGE = 2;
    /** The server refused the request (BAD_REQUEST, TOO_LARGE) or failed (INTERNAL), or the CLI itself failed. */
    public static final int REFUSED = 3;
    /** No leader, no quorum, not the leader, or no endpoint reachable: the request was not applied. */
    public static final int UNAVAILABLE = 4;
    /** The request timed out: it may or may not have been applied. */
    public static final int OUTCOME_UNKNOWN = 5;
    /** Authentication is on and the command had no valid credentials, or its user lacks a permission: nothing was done. */
    public static final int DENIED = 6;

    private ExitCodes() {
    }
}
