package io.tern.client.protocol;

/**
 * The request opcodes of wire protocol version 1 (contract section 2).
 *
 * <p>Codes are wire format: once released, a code never changes meaning.
 */
public enum Opcode {
    GET(0x01),
    PUT(0x02),
    DELETE(0x03),
    CAS(0x04),
    SCAN(0x05),
    BATCH(0x06),
    PING(0x07),
    STATUS(0x08),
    MEMBER_ADD(0x10),
    MEMBER_REMOVE(0x11),
    TRANSFER_LEADER(0x12),
    SNAPSHOT(0x13),
    /** Added in contract version 1.1: makes a learner that has caught up a voter. */
    MEMBER_PROMOTE(0x14),
    ALARM(0x15),
    /**
     * Added for backups: streams a backup of the receiving member's state, taken after every write
     * acknowledged before the request, as OK frames under its requestId ({@link Response.BackupPiece}).
     */
    BACKUP(0x16),
    /** Added with etcd's data model ({@link KvRequest}): reads a range with its options, at a revision. */
    RANGE(0x20),
    /** Puts a key with etcd's options. */
    PUT_KV(0x21),
    /** Deletes the keys of a range. */
    DELETE_RANGE(0x22),
    /** An etcd transaction: compares, then one list of operations or the other, at one revision. */
    TXN(0x23),
    /** Drops the history below a revision. */
    COMPACT(0x24),
    /** Leases (etcd's): grant, revoke, keep-alive, time-to-live, list; see {@link LeaseRequests}. */
    LEASE_GRANT(0x30),
    LEASE_REVOKE(0x31),
    LEASE_KEEPALIVE(0x32),
    LEASE_TIME_TO_LIVE(0x33),
    LEASE_LIST(0x34),
    /** Added for watches: opens a stream of a key's or a range's changes ({@link WatchRequests.Create}). */
    WATCH_CREATE(0x40),
    /** Added for watches: ends one stream of the connection ({@link WatchRequests.Cancel}). */
    WATCH_CANCEL(0x41),
    /** Added for watches: asks for a PROGRESS frame on each synced stream ({@link WatchRequests.Progress}). */
    WATCH_PROGRESS(0x42),
    /**
     * Added for authentication (etcd's Auth service): user and password for a token; the connection it
     * came on acts as that user from then on. The records are in {@link AuthRequests}.
     */
    AUTHENTICATE(0x50),
    AUTH_ENABLE(0x51),
    AUTH_DISABLE(0x52),
    AUTH_STATUS(0x53),
    USER_ADD(0x54),
    USER_DELETE(0x55),
    USER_GET(0x56),
    USER_LIST(0x57),
    USER_CHANGE_PASSWORD(0x58),
    USER_GRANT_ROLE(0x59),
    USER_REVOKE_ROLE(0x5A),
    ROLE_ADD(0x5B),
    ROLE_DELETE(0x5C),
    ROLE_GET(0x5D),
    ROLE_LIST(0x5E),
    ROLE_GRANT_PERMISSION(0x5F),
    ROLE_REVOKE_PERMISSION(0x60),
    /**
     * One request made as the holder of a token, whatever the connection authenticated as: {@code str
     * token} and then a whole request body of another opcode, under this frame's requestId
     * ({@link Request.WithToken}). A follower forwards its clients' requests to the leader this way.
     */
    WITH_TOKEN(0x61);

    /** The lowest opcode the contract reserves for traffic between members. */
    public static final int FIRST_PEER_OPCODE = 0x70;

    // Indexed by the unsigned byte so that decoding costs no search and no allocation.
    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The opcode's byte on the wire, 0 to 255. */
    public int code() {
        return code;
    }

    /**
     * The client opcode with this code, or {@code null} if there is none (unknown, or reserved for
     * members: see {@link #isPeerOpcode(int)}).
     */
    public static Opcode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * Whether {@code code} (an unsigned byte) lies in 0x70 to 0xFF, the range reserved for members.
     * A router on the shared port uses this to tell a peer frame from a client request; a client
     * connection that sends one gets BAD_REQUEST.
     */
    public static boolean isPeerOpcode(int code) {
        return code >= FIRST_PEER_OPCODE && code <= 0xFF;
    }
}
