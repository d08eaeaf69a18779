package io.tern.client.protocol;

import io.tern.kv.KeyValue;
import io.tern.kv.Bytes;
import java.util.List;
import java.util.Objects;

/**
 * A response of wire protocol version 1: one record per OK body (which depends on the request's
 * opcode) and one per other status. Encode and decode with {@link ResponseCodec}.
 *
 * <p>Byte arrays compare by content and are not copied: do not change them after handing them over.
 */
public sealed interface Response {

    /** The requestId of the request answered. */
    long requestId();

    /** The status byte this response travels under. */
    Status status();

    /**
     * A status other than OK, NOT_FOUND or CAS_MISMATCH: the body is one {@code str}, and it may
     * answer any opcode.
     */
    sealed interface Failure extends Response {
        /** The server's explanation; for {@link NotLeader}, the leader's address. */
        String message();
    }

    /** OK to the key operations of etcd's data model (0x20 to 0x24): the records are in {@link KvResponse}. */
    sealed interface Kv extends Response permits KvResponse.OpOk, KvResponse.CompactOk {
        /** The same answer under another requestId. */
        Kv withRequestId(long id);
    }

    /** OK to GET. */
    record GetOk(long requestId, long revision, byte[] value) implements Response {
        public GetOk {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Status status() {
            return Status.OK;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetOk g && requestId == g.requestId && revision == g.revision
                    && Bytes.equal(value, g.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, revision, Bytes.hash(value));
        }

        @Override
        public String toString() {
            return "GetOk[requestId=" + requestId + ", revision=" + revision + ", value=" + Bytes.show(value) + "]";
        }
    }

    /** NOT_FOUND to GET: no value at the read's revision. */
    record NotFound(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.NOT_FOUND;
        }
    }

    /** OK to PUT. */
    record PutOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to DELETE; {@code existed} tells whether there was a value to remove. */
    record DeleteOk(long requestId, long revision, boolean existed) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to CAS: the new value (or the deletion) was written. */
    record CasOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /**
     * CAS_MISMATCH to CAS: nothing was written.
     *
     * @param current the value found, or {@code null} if the key was absent (the wire's
     *                {@code present = 0})
     */
    record CasMismatch(long requestId, long revision, byte[] current) implements Response {
        @Override
        public Status status() {
            return Status.CAS_MISMATCH;
        }

        /** Whether the key held a value. */
        public boolean present() {
            return current != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CasMismatch c && requestId == c.requestId && revision == c.revision
                    && Bytes.equal(current, c.current);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, revision, Bytes.hash(current));
        }

        @Override
        public String toString() {
            return "CasMismatch[requestId=" + requestId + ", revision=" + revision + ", current="
                    + Bytes.show(current) + "]";
        }
    }

    /** OK to SCAN; {@code more} is true when the limit cut the result. */
    record ScanOk(long requestId, long revision, List<KeyValue> entries, boolean more) implements Response {
        public ScanOk {
            entries = List.copyOf(entries);
        }

        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to BATCH: every op was applied. */
    record BatchOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to PING. */
    record PingOk(long requestId) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to STATUS: the node's state as JSON (contract section 2 lists the fields). */
    record StatusOk(long requestId, String json) implements Response {
        public StatusOk {
            Objects.requireNonNull(json, "json");
        }

        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to MEMBER_ADD. */
    record MemberAddOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to MEMBER_REMOVE. */
    record MemberRemoveOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to MEMBER_PROMOTE. */
    record MemberPromoteOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to TRANSFER_LEADER. */
    record TransferOk(long requestId) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to SNAPSHOT: the index the snapshot covers. */
    record SnapshotOk(long requestId, long snapshotIndex) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /** OK to ALARM: the revision of the entry that raised or cleared it. */
    record AlarmOk(long requestId, long revision) implements Response {
        @Override
        public Status status() {
            return Status.OK;
        }
    }

    /**
     * One OK frame of a BACKUP's stream: the next {@code piece} of the backup of the member's
     * snapshot at {@code snapshotIndex}, and how many bytes follow it; the last piece has
     * {@code remainingBytes} 0. What the bytes mean is the engine's backup format, not the protocol's.
     */
    record BackupPiece(long requestId, long snapshotIndex, long remainingBytes, byte[] piece) implements Response {
        public BackupPiece {
            Objects.requireNonNull(piece, "piece");
        }

        @Override
        public Status status() {
            return Status.OK;
        }

        /** Whether this is the stream's last piece. */
        public boolean last() {
            return remainingBytes == 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BackupPiece b && requestId == b.requestId && snapshotIndex == b.snapshotIndex
                    && remainingBytes == b.remainingBytes && Bytes.equal(piece, b.piece);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, snapshotIndex, remainingBytes, Bytes.hash(piece));
        }

        @Override
        public String toString() {
            return "BackupPiece[requestId=" + requestId + ", snapshotIndex=" + snapshotIndex + ", remainingBytes="
                    + remainingBytes + ", piece=" + piece.length + " bytes]";
        }
    }

    /** NOT_LEADER: sent only when forwarding is off. */
    record NotLeader(long requestId, String leaderAddress) implements Failure {
        public NotLeader {
            Objects.requireNonNull(leaderAddress, "leaderAddress");
        }

        @Override
        public Status status() {
            return Status.NOT_LEADER;
        }

        /** Whether the node knows the leader; the wire sends an empty address when it does not. */
        public boolean leaderKnown() {
            return !leaderAddress.isEmpty();
        }

        @Override
        public String message() {
            return leaderAddress;
        }
    }

    /** BAD_REQUEST: malformed or unknown request; nothing was written. */
    record BadRequest(long requestId, String message) implements Failure {
        public BadRequest {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.BAD_REQUEST;
        }
    }

    /** UNAVAILABLE: no leader or no quorum; the request was not applied. */
    record Unavailable(long requestId, String message) implements Failure {
        public Unavailable {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.UNAVAILABLE;
        }
    }

    /** TIMEOUT: the outcome is unknown; the request may or may not have been applied. */
    record Timeout(long requestId, String message) implements Failure {
        public Timeout {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.TIMEOUT;
        }
    }

    /** TOO_LARGE: a key, value or frame over its limit; requestId 0 for an oversized frame. */
    record TooLarge(long requestId, String message) implements Failure {
        public TooLarge {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.TOO_LARGE;
        }
    }

    /** NO_SPACE: a NOSPACE alarm is raised; the write was refused and nothing was written. */
    record NoSpace(long requestId, String message) implements Failure {
        public NoSpace {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.NO_SPACE;
        }
    }

    /** INTERNAL: a bug; nothing acknowledged is lost. */
    record Internal(long requestId, String message) implements Failure {
        public Internal {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.INTERNAL;
        }
    }

    /** COMPACTED: the requested revision is below {@code compactRevision}; nothing was done. */
    record Compacted(long requestId, long compactRevision, String message) implements Failure {
        public Compacted {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.COMPACTED;
        }
    }

    /** FUTURE_REVISION: the requested revision is above {@code currentRevision}; nothing was done. */
    record FutureRevision(long requestId, long currentRevision, String message) implements Failure {
        public FutureRevision {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.FUTURE_REVISION;
        }
    }

    /** UNAUTHENTICATED: no valid identity (never authenticated, or the token expired); nothing was done. */
    record Unauthenticated(long requestId, String message) implements Failure {
        public Unauthenticated {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.UNAUTHENTICATED;
        }
    }

    /** PERMISSION_DENIED: the message says which permission is missing; nothing was done. */
    record PermissionDenied(long requestId, String message) implements Failure {
        public PermissionDenied {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.PERMISSION_DENIED;
        }
    }

    /**
     * OK to an authentication or user/role request; the records are in {@link AuthResponses}, and
     * {@link AuthCodec} reads and writes them.
     */
    sealed interface AuthOk extends Response permits AuthResponses.Authenticated, AuthResponses.Changed,
            AuthResponses.AuthStatus, AuthResponses.UserDetails, AuthResponses.Names, AuthResponses.RoleDetails {

        /** The same answer under another id (a forwarded answer going back to its client). */
        AuthOk withRequestId(long requestId);

        @Override
        default Status status() {
            return Status.OK;
        }
    }

    /** LEASE_NOT_FOUND: the request names a lease that does not exist; nothing was done. */
    record LeaseNotFound(long requestId, String message) implements Failure {
        public LeaseNotFound {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Status status() {
            return Status.LEASE_NOT_FOUND;
        }
    }

    /**
     * OK to a lease request; the records are in {@link LeaseResponses}, and {@link LeaseCodec} reads
     * and writes them.
     */
    sealed interface LeaseOk extends Response permits LeaseResponses.Granted, LeaseResponses.Revoked,
            LeaseResponses.KeptAlive, LeaseResponses.TimeToLive, LeaseResponses.Leases {

        /** The same answer under another id (a forwarded answer going back to its client). */
        LeaseOk withRequestId(long requestId);

        @Override
        default Status status() {
            return Status.OK;
        }
    }

    /**
     * The OK answers to the watch requests, defined in {@link WatchResponses}: the frames of a
     * WATCH_CREATE's stream and the acknowledgement of WATCH_CANCEL and WATCH_PROGRESS.
     */
    sealed interface WatchResponse extends Response
            permits WatchResponses.Created, WatchResponses.Events, WatchResponses.Progress, WatchResponses.Canceled,
            WatchResponses.Ack {
        @Override
        default Status status() {
            return Status.OK;
        }
    }
}
