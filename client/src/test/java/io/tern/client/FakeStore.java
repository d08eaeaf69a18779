package io.tern.client;

import java.nio.charset.StandardCharsets;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.kv.KeyValue;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A single-node key-value store that answers every request as a healthy leader would. */
final class FakeStore {

    private final NavigableMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
    private long revision;
    private String leaderAddress;
    private final NavigableMap<Long, Long> leases = new TreeMap<>();
    private long lastLeaseId;

    synchronized void leaderAddress(String address) {
        this.leaderAddress = address;
    }

    synchronized long revision() {
        return revision;
    }

    synchronized Response answer(Request request) {
        long id = request.requestId();
        return switch (request) {
            case Request.Get get -> {
                byte[] value = data.get(get.key());
                yield value == null ? new Response.NotFound(id, revision) : new Response.GetOk(id, revision, value);
            }
            case Request.Put put -> {
                data.put(put.key(), put.value());
                yield new Response.PutOk(id, ++revision);
            }
            case Request.Delete delete -> {
                boolean existed = data.remove(delete.key()) != null;
                yield new Response.DeleteOk(id, ++revision, existed);
            }
            case Request.Cas cas -> {
                byte[] current = data.get(cas.key());
                boolean matches = cas.expected() == null ? current == null : Arrays.equals(current, cas.expected());
                if (!matches) {
                    yield new Response.CasMismatch(id, revision, current);
                }
                if (cas.newValue() == null) {
                    data.remove(cas.key());
                } else {
                    data.put(cas.key(), cas.newValue());
                }
                yield new Response.CasOk(id, ++revision);
            }
            case Request.Scan scan -> {
                NavigableMap<byte[], byte[]> range = scan.hasEnd()
                        ? data.subMap(scan.start(), true, scan.end(), false) : data.tailMap(scan.start(), true);
                List<KeyValue> entries = new ArrayList<>();
                boolean more = false;
                for (Map.Entry<byte[], byte[]> entry : range.entrySet()) {
                    if (entries.size() == scan.effectiveLimit()) {
                        more = true;
                        break;
                    }
                    entries.add(new KeyValue(entry.getKey(), entry.getValue()));
                }
                yield new Response.ScanOk(id, revision, entries, more);
            }
            case Request.Batch batch -> {
                for (BatchOp op : batch.ops()) {
                    if (op instanceof BatchOp.Put put) {
                        data.put(put.key(), put.value());
                    } else {
                        data.remove(op.key());
                    }
                }
                yield new Response.BatchOk(id, ++revision);
            }
            case Request.Ping ping -> new Response.PingOk(id);
            case Request.Status status -> new Response.StatusOk(id, "{\"id\":1,\"role\":\"LEADER\",\"term\":1,"
                    + "\"leaderId\":1,\"leaderAddress\":" + (leaderAddress == null ? "null" : "\"" + leaderAddress + "\"")
                    + ",\"commitIndex\":" + revision + ",\"appliedIndex\":" + revision + "}");
            case Request.MemberAdd add -> new Response.MemberAddOk(id, ++revision);
            case Request.MemberRemove remove -> new Response.MemberRemoveOk(id, ++revision);
            case Request.MemberPromote promote -> new Response.MemberPromoteOk(id, ++revision);
            case Request.TransferLeader transfer -> new Response.TransferOk(id);
            case Request.Snapshot snapshot -> new Response.SnapshotOk(id, revision);
            case Request.Alarm alarm -> new Response.AlarmOk(id, ++revision);
            case Request.Lease lease -> answerLease(lease);
            case Request.WatchRequest watch -> new Response.BadRequest(id, "the fake store has no watches");
            case Request.Backup backup -> new Response.BackupPiece(id, revision, 0,
                    ("backup at " + revision).getBytes(StandardCharsets.UTF_8));
            case Request.Kv kv -> new Response.BadRequest(id, "this fake answers key operations only through a test's handler");
            case Request.Auth auth -> new Response.BadRequest(id, "the fake store has no authentication");
            case Request.WithToken withToken -> answer(withToken.request());
        };
    }

    /** Leases without time: they live until revoked ({@link #expire} stands in for an expiry). */
    private Response answerLease(Request.Lease request) {
        long id = request.requestId();
        return switch (request) {
            case LeaseRequests.Grant grant -> {
                long leaseId = grant.id() != 0 ? grant.id() : ++lastLeaseId;
                if (leases.containsKey(leaseId)) {
                    yield new Response.BadRequest(id, "etcdserver: lease already exists");
                }
                leases.put(leaseId, grant.ttlSeconds());
                yield new LeaseResponses.Granted(id, ++revision, leaseId, grant.ttlSeconds());
            }
            case LeaseRequests.Revoke revoke -> leases.remove(revoke.id()) == null ? notFound(id)
                    : new LeaseResponses.Revoked(id, ++revision);
            case LeaseRequests.KeepAlive keepAlive -> leases.containsKey(keepAlive.id())
                    ? new LeaseResponses.KeptAlive(id, leases.get(keepAlive.id())) : notFound(id);
            case LeaseRequests.TimeToLive ttl -> leases.containsKey(ttl.id())
                    ? new LeaseResponses.TimeToLive(id, leases.get(ttl.id()), leases.get(ttl.id()), List.of())
                    : new LeaseResponses.TimeToLive(id, -1, 0, List.of());
            case LeaseRequests.ListLeases list -> new LeaseResponses.Leases(id, List.copyOf(leases.keySet()));
        };
    }

    private static Response notFound(long requestId) {
        return new Response.LeaseNotFound(requestId, "etcdserver: requested lease not found");
    }

    /** Ends lease {@code id} as an expiry would. */
    synchronized void expire(long id) {
        leases.remove(id);
    }
}
