package io.tern.server.service;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.state.Alarm;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.ReadResult;
import io.tern.engine.state.ScanResult;
import io.tern.raft.node.Applied;
import io.tern.raft.node.RaftNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * GET, PUT, DELETE, CAS, SCAN and BATCH on this node: writes through Raft, answered with their
 * entry's index once applied; linearizable reads after a ReadIndex barrier; local reads once the
 * state has applied {@code minRevision}.
 */
final class KeyValueOperations {

    /**
     * The keys and values one SCAN answer may carry, so its frame stays under the limit: the frame
     * less room for the header and each entry's two length prefixes.
     */
    static final long SCAN_ANSWER_BYTES = ProtocolLimits.MAX_FRAME_BODY_BYTES - 64 * 1024;

    private final RaftNode node;
    private final StorageEngine engine;
    private final ReadGate reads;

    KeyValueOperations(RaftNode node, StorageEngine engine, ReadGate reads) {
        this.node = node;
        this.engine = engine;
        this.reads = reads;
    }

    CompletableFuture<Response> put(Request.Put put, Proposer proposer) {
        Optional<Response> refused = refusedForSpace(put.requestId());
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        return propose(put, proposer).thenApply(applied -> refusedOr(put, applied,
                () -> new Response.PutOk(put.requestId(), applied.revision())));
    }

    CompletableFuture<Response> delete(Request.Delete delete, Proposer proposer) {
        return propose(delete, proposer).thenApply(applied -> refusedOr(delete, applied,
                () -> new Response.DeleteOk(delete.requestId(), applied.revision(),
                        applied.result() instanceof CommandResult.Deleted d && d.existed())));
    }

    CompletableFuture<Response> cas(Request.Cas cas, Proposer proposer) {
        Optional<Response> refused = cas.newValue() == null ? Optional.empty() : refusedForSpace(cas.requestId());
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        return propose(cas, proposer).thenApply(applied -> refusedOr(cas, applied, () ->
                applied.result() instanceof CommandResult.CasMismatch mismatch
                        ? new Response.CasMismatch(cas.requestId(), applied.revision(), mismatch.current())
                        : new Response.CasOk(cas.requestId(), applied.revision())));
    }

    CompletableFuture<Response> batch(Request.Batch batch, Proposer proposer) {
        boolean puts = batch.ops().stream().anyMatch(op -> op instanceof BatchOp.Put);
        Optional<Response> refused = puts ? refusedForSpace(batch.requestId()) : Optional.empty();
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        return propose(batch, proposer).thenApply(applied -> refusedOr(batch, applied,
                () -> new Response.BatchOk(batch.requestId(), applied.revision())));
    }

    /**
     * NO_SPACE while any member's NOSPACE alarm is raised, as etcd refuses writes that would grow the
     * data: a member whose disk is nearly full would otherwise fill it and stop. Deletes, reads,
     * membership changes and snapshots, which free space or cost none, go on.
     */
    Optional<Response> refusedForSpace(long requestId) {
        List<Alarm> alarms = engine.alarms();
        if (alarms.isEmpty()) {
            return Optional.empty();
        }
        String details = alarms.stream().map(Alarm::detail).collect(Collectors.joining("; "));
        return Optional.of(new Response.NoSpace(requestId, "NOSPACE alarm: " + details
                + "; only deletes and reads are served until there is room again"));
    }

    /** The refusal of a command the state did not allow (a user's, while authentication is on), else the answer. */
    private static Response refusedOr(Request write, Applied applied, Supplier<Response> answer) {
        return applied.result() instanceof CommandResult.Refused refused ? Failures.refused(write.requestId(), refused)
                : answer.get();
    }

    private CompletableFuture<Applied> propose(Request write, Proposer proposer) {
        return proposer.propose(WriteCommands.of(write));
    }

    /** @param reader where the state is read once the read may proceed (not Raft's applier thread) */
    CompletableFuture<Response> get(Request.Get get, Executor reader) {
        return reads.whenReadable(get.readMode(), get.minRevision(), reader).thenApply(ignored -> {
            ReadResult result = engine.get(get.key());
            return result.found() ? new Response.GetOk(get.requestId(), result.revision(), result.value())
                    : new Response.NotFound(get.requestId(), result.revision());
        });
    }

    CompletableFuture<Response> scan(Request.Scan scan, Executor reader) {
        return reads.whenReadable(scan.readMode(), scan.minRevision(), reader).thenApply(ignored -> {
            ScanResult result = engine.scan(scan.start(), scan.end(), scan.effectiveLimit(), SCAN_ANSWER_BYTES);
            return new Response.ScanOk(scan.requestId(), result.revision(), result.entries(), result.more());
        });
    }
}
