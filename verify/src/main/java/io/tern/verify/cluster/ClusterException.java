package io.tern.verify.cluster;

/** The cluster did not do what was asked, or did not reach the awaited state before a deadline. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
