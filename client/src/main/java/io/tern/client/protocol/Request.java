package io.tern.client.protocol;

import io.tern.kv.Bytes;
import java.util.List;
import java.util.Objects;

/**
 * A client request of wire protocol version 1, one record per {@link Opcode}. Encode and decode
 * with {@link RequestCodec}.
 *
 * <p>{@code requestId} is a u64 carried in a {@code long}: only its bits matter. Byte arrays
 * compare by content and are not copied (values may be megabytes): do not change them after
 * handing them over.
 */
public sealed interface Request {

    /** Echoed by the response; unique among one connection's in-flight requests. */
    long requestId();

    /** The opcode this request travels under. */
    Opcode opcode();

    /**
     * The key operations of etcd's data model, opcodes 0x20 to 0x24: the records are in
     * {@link KvRequest}.
     */
    sealed interface Kv extends Request permits KvRequest.Range, KvRequest.Write, KvRequest.Compact {
        /** The same request under another requestId (a forward to the leader relabels it). */
        Kv withRequestId(long id);
    }

    /** Reads {@code key}'s value. */
    record Get(long requestId, ReadMode readMode, long minRevision, byte[] key) implements Request {
        public Get {
            Objects.requireNonNull(readMode, "readMode");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Opcode opcode() {
            return Opcode.GET;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Get g && requestId == g.requestId && readMode == g.readMode
                    && minRevision == g.minRevision && Bytes.equal(key, g.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, readMode, minRevision, Bytes.hash(key));
        }

        @Override
        public String toString() {
            return "Get[requestId=" + requestId + ", readMode=" + readMode + ", minRevision=" + minRevision
                    + ", key=" + Bytes.show(key) + "]";
        }
    }

    /** Sets {@code key} to {@code value}. */
    record Put(long requestId, byte[] key, byte[] value) implements Request {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Opcode opcode() {
            return Opcode.PUT;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && requestId == p.requestId && Bytes.equal(key, p.key)
                    && Bytes.equal(value, p.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, Bytes.hash(key), Bytes.hash(value));
        }

        @Override
        public String toString() {
            return "Put[requestId=" + requestId + ", key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + "]";
        }
    }

    /** Removes {@code key}. */
    record Delete(long requestId, byte[] key) implements Request {
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Opcode opcode() {
            return Opcode.DELETE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && requestId == d.requestId && Bytes.equal(key, d.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, Bytes.hash(key));
        }

        @Override
        public String toString() {
            return "Delete[requestId=" + requestId + ", key=" + Bytes.show(key) + "]";
        }
    }

    /**
     * Compare-and-set.
     *
     * @param expected the value {@code key} must hold, or {@code null} if it must be absent
     * @param newValue the value to set, or {@code null} to delete the key
     */
    record Cas(long requestId, byte[] key, byte[] expected, byte[] newValue) implements Request {
        public Cas {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Opcode opcode() {
            return Opcode.CAS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cas c && requestId == c.requestId && Bytes.equal(key, c.key)
                    && Bytes.equal(expected, c.expected) && Bytes.equal(newValue, c.newValue);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, Bytes.hash(key), Bytes.hash(expected), Bytes.hash(newValue));
        }

        @Override
        public String toString() {
            return "Cas[requestId=" + requestId + ", key=" + Bytes.show(key) + ", expected=" + Bytes.show(expected)
                    + ", newValue=" + Bytes.show(newValue) + "]";
        }
    }

    /**
     * Reads keys in {@code [start, end)} in order.
     *
     * @param end   exclusive; empty means no upper bound
     * @param limit the most entries wanted; 0 asks for the server's maximum. Kept as sent; see
     *              {@link #effectiveLimit()}
     */
    record Scan(long requestId, ReadMode readMode, long minRevision, byte[] start, byte[] end, int limit)
            implements Request {
        public Scan {
            Objects.requireNonNull(readMode, "readMode");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative: " + limit);
            }
        }

        @Override
        public Opcode opcode() {
            return Opcode.SCAN;
        }

        /** Whether {@code end} bounds the scan; an empty {@code end} means it does not. */
        public boolean hasEnd() {
            return end.length > 0;
        }

        /**
         * The most entries the server returns: {@code limit}, with 0 meaning
         * {@link ProtocolLimits#SCAN_MAX_LIMIT} and anything above it capped to it.
         */
        public int effectiveLimit() {
            return limit == 0 ? ProtocolLimits.SCAN_MAX_LIMIT : Math.min(limit, ProtocolLimits.SCAN_MAX_LIMIT);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scan s && requestId == s.requestId && readMode == s.readMode
                    && minRevision == s.minRevision && Bytes.equal(start, s.start) && Bytes.equal(end, s.end)
                    && limit == s.limit;
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, readMode, minRevision, Bytes.hash(start), Bytes.hash(end), limit);
        }

        @Override
        public String toString() {
            return "Scan[requestId=" + requestId + ", readMode=" + readMode + ", minRevision=" + minRevision
                    + ", start=" + Bytes.show(start) + ", end=" + Bytes.show(end) + ", limit=" + limit + "]";
        }
    }

    /** Applies all of {@code ops} atomically, or none. */
    record Batch(long requestId, List<BatchOp> ops) implements Request {
        public Batch {
            ops = List.copyOf(ops);
        }

        @Override
        public Opcode opcode() {
            return Opcode.BATCH;
        }
    }

    /** Asks for an empty answer, to measure or keep a connection alive. */
    record Ping(long requestId) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.PING;
        }
    }

    /** Asks for the node's state as JSON. */
    record Status(long requestId) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.STATUS;
        }
    }

    /** Adds member {@code id} at {@code address}, as a voter or a learner. */
    record MemberAdd(long requestId, long id, String address, boolean voter) implements Request {
        public MemberAdd {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public Opcode opcode() {
            return Opcode.MEMBER_ADD;
        }
    }

    /** Removes member {@code id}. */
    record MemberRemove(long requestId, long id) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.MEMBER_REMOVE;
        }
    }

    /** Makes learner {@code id} a voter, once it is in sync with the leader. */
    record MemberPromote(long requestId, long id) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.MEMBER_PROMOTE;
        }
    }

    /** Asks the leader to hand leadership to {@code targetId}. */
    record TransferLeader(long requestId, long targetId) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.TRANSFER_LEADER;
        }
    }

    /** Asks the node to take a snapshot now. */
    record Snapshot(long requestId) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.SNAPSHOT;
        }
    }

    /**
     * Asks the member for a backup of its state (BACKUP): it answers with a stream of
     * {@link Response.BackupPiece}s, the last with {@code remainingBytes} 0, or with one failure.
     * Served by the member it reaches, never forwarded.
     */
    record Backup(long requestId) implements Request {
        @Override
        public Opcode opcode() {
            return Opcode.BACKUP;
        }
    }

    /**
     * Raises ({@code activate}) or clears alarm {@code alarm} about member {@code memberId} through
     * the replicated log, as etcd's Alarm request does; members send it for themselves when their disk
     * falls below its reserve or has room again.
     *
     * @param alarm  the alarm's code: {@link #NOSPACE}
     * @param detail one line on what is wrong, shown to operators and refused clients (empty to clear)
     */
    record Alarm(long requestId, boolean activate, long memberId, int alarm, String detail) implements Request {
        /** The code of the NOSPACE alarm. */
        public static final int NOSPACE = 1;

        public Alarm {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ALARM;
        }
    }

    /**
     * A lease request (opcodes 0x30 to 0x34); the records are in {@link LeaseRequests}, and
     * {@link LeaseCodec} reads and writes them.
     */
    sealed interface Lease extends Request permits LeaseRequests.Grant, LeaseRequests.Revoke,
            LeaseRequests.KeepAlive, LeaseRequests.TimeToLive, LeaseRequests.ListLeases {

        /** The same request under another id (a follower forwarding it to the leader). */
        Lease withRequestId(long requestId);
    }

    /**
     * The opcode whose OK body answers this request: its own, except for {@link WithToken}, which is
     * answered as the request it carries.
     */
    default Opcode answerOpcode() {
        return opcode();
    }

    /**
     * An authentication or user/role request (opcodes 0x50 to 0x60); the records are in
     * {@link AuthRequests}, and {@link AuthCodec} reads and writes them.
     */
    sealed interface Auth extends Request permits AuthRequests.Authenticate, AuthRequests.Enable,
            AuthRequests.Disable, AuthRequests.GetStatus, AuthRequests.UserAdd, AuthRequests.UserDelete,
            AuthRequests.UserGet, AuthRequests.UserList, AuthRequests.UserChangePassword, AuthRequests.UserGrantRole,
            AuthRequests.UserRevokeRole, AuthRequests.RoleAdd, AuthRequests.RoleDelete, AuthRequests.RoleGet,
            AuthRequests.RoleList, AuthRequests.RoleGrantPermission, AuthRequests.RoleRevokePermission {

        /** The same request under another id (a follower forwarding it to the leader). */
        Auth withRequestId(long requestId);
    }

    /**
     * {@code request} made as the holder of {@code token} (WITH_TOKEN): checked as that user whatever
     * the connection it came on authenticated as. Carries the inner request's id as its own.
     */
    record WithToken(String token, Request request) implements Request {
        public WithToken {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(request, "request");
            if (request instanceof WithToken) {
                throw new IllegalArgumentException("a WITH_TOKEN request cannot carry another");
            }
        }

        @Override
        public long requestId() {
            return request.requestId();
        }

        @Override
        public Opcode opcode() {
            return Opcode.WITH_TOKEN;
        }

        @Override
        public Opcode answerOpcode() {
            return request.opcode();
        }

        @Override
        public String toString() {
            return "WithToken[token=<hidden>, request=" + request + "]";
        }
    }

    /**
     * The watch requests (opcodes 0x40 to 0x42), defined in {@link WatchRequests}: the member that
     * receives one serves it from its own state, on the connection it came on; never forwarded.
     */
    sealed interface WatchRequest extends Request
            permits WatchRequests.Create, WatchRequests.Cancel, WatchRequests.Progress {
    }
}
