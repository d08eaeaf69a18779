package io.tern.verify.api;

/**
 * A lease or watch call through an {@link ApiClient} that did not succeed (refused, failed, or with no
 * answer in time); the lease workload only needs to know that it did not, and whether the lease was gone.
 */
public class ApiCallException extends RuntimeException {

    public ApiCallException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The cluster answered that the lease does not exist (expired or revoked). */
    public static final class LeaseNotFound extends ApiCallException {
        public LeaseNotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
