package io.tern.client.protocol;

/**
 * The response statuses of wire protocol version 1 (contract section 2).
 *
 * <p>Codes are wire format: once released, a code never changes meaning.
 */
public enum Status {
    /** The request succeeded; the body depends on the request's opcode. */
    OK(0),
    /** GET found no value. */
    NOT_FOUND(1),
    /** This node is not the leader and forwarding is off. */
    NOT_LEADER(2),
    /** CAS found another value; nothing was written. */
    CAS_MISMATCH(3),
    /** Malformed or unknown request; nothing was written; the connection stays open. */
    BAD_REQUEST(4),
    /** No leader or no quorum; the request was not applied. */
    UNAVAILABLE(5),
    /** The outcome is unknown: the request may or may not have been applied. */
    TIMEOUT(6),
    /** A key, value or frame over its limit. */
    TOO_LARGE(7),
    /** A bug; nothing acknowledged is lost. */
    INTERNAL(8),
    /**
     * Authentication is enabled and the request carries no valid identity: the connection has not
     * authenticated, or its token expired or was invalidated. Nothing was done. Authenticate again.
     */
    UNAUTHENTICATED(9),
    /** The user's roles do not allow this request on these keys (or it needs root); nothing was done. */
    PERMISSION_DENIED(10),
    /** The requested revision is below the compaction revision: its history is gone. */
    COMPACTED(11),
    /** The requested revision is above the current one. */
    FUTURE_REVISION(12),
    /**
     * A NOSPACE alarm is raised (a member's disk is below its reserve): the write was refused and
     * nothing was written. Deletes and reads are still served. Not worth retrying until the alarm clears.
     */
    NO_SPACE(13),
    /** The request names a lease that does not exist (never granted, revoked or expired); nothing was done. */
    LEASE_NOT_FOUND(14);

    // Indexed by the code: codes are not all consecutive.
    private static final Status[] BY_CODE = new Status[256];

    static {
        for (Status status : values()) {
            BY_CODE[status.code] = status;
        }
    }

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The status byte on the wire. */
    public int code() {
        return code;
    }

    /** The status with this code, or {@code null} if there is none. */
    public static Status fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
