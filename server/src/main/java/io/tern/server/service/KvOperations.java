package io.tern.server.service;

import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.KvResponse;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.state.Command;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.RangeResult;
import io.tern.kv.KvRequestChecks;
import io.tern.raft.node.RaftNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * etcd's key operations on this node (RANGE, PUT_KV, DELETE_RANGE, TXN, COMPACT): reads as GET and
 * SCAN are read; writes checked by {@link KvRequestChecks} and proposed as {@link Command.Kv} or
 * {@link Command.Compact}, answered with their entry's index once applied. Refusals and read errors
 * become statuses in {@link Failures}.
 */
final class KvOperations {

    private final RaftNode node;
    private final StorageEngine engine;
    private final ReadGate reads;
    private final LongFunction<Optional<Response>> refusedForSpace;

    /** @param refusedForSpace the NO_SPACE answer while a NOSPACE alarm is raised, as PUT gets it */
    KvOperations(RaftNode node, StorageEngine engine, ReadGate reads, LongFunction<Optional<Response>> refusedForSpace) {
        this.node = node;
        this.engine = engine;
        this.reads = reads;
        this.refusedForSpace = refusedForSpace;
    }

    /** Whether {@code request} changes state, so that a lost answer leaves its outcome unknown. */
    static boolean isWrite(Request.Kv request) {
        return !(request instanceof KvRequest.Range);
    }

    /** @param reader where a read touches the state once allowed (not Raft's applier thread) */
    CompletableFuture<Response> serve(Request.Kv request, Executor reader, Proposer proposer) {
        return switch (request) {
            case KvRequest.Range r -> range(r, reader);
            case KvRequest.Write r -> write(r, proposer);
            case KvRequest.Compact r -> compact(r, proposer);
        };
    }

    private CompletableFuture<Response> range(KvRequest.Range range, Executor reader) {
        long id = range.requestId();
        String problem = KvRequestChecks.problem(range.range());
        if (problem != null) {
            return CompletableFuture.completedFuture(Failures.invalid(id, problem));
        }
        return reads.whenReadable(range.readMode(), range.minRevision(), reader).thenApply(ignored -> {
            try {
                RangeResult result = engine.range(range.range(), KeyValueOperations.SCAN_ANSWER_BYTES);
                return new KvResponse.OpOk(id, result.revision(), result.response());
            } catch (RuntimeException e) {
                return Failures.toResponse(id, e, false);
            }
        });
    }

    private CompletableFuture<Response> write(KvRequest.Write write, Proposer proposer) {
        long id = write.requestId();
        String problem = KvRequestChecks.problem(write.op());
        if (problem != null) {
            return CompletableFuture.completedFuture(Failures.invalid(id, problem));
        }
        if (KvRequestChecks.puts(write.op())) {
            Optional<Response> refused = refusedForSpace.apply(id);
            if (refused.isPresent()) {
                return CompletableFuture.completedFuture(refused.get());
            }
        }
        return proposer.propose(new Command.Kv(write.op())).thenApply(applied -> switch (applied.result()) {
            case CommandResult.Kv kv -> new KvResponse.OpOk(id, applied.revision(), kv.response());
            case CommandResult.Refused refused -> Failures.refused(id, refused);
            default -> Failures.unexpectedResult(id, applied.result());
        });
    }

    private CompletableFuture<Response> compact(KvRequest.Compact compact, Proposer proposer) {
        long id = compact.requestId();
        return proposer.propose(new Command.Compact(compact.revision())).thenApply(applied -> switch (applied.result()) {
            case CommandResult.Refused refused -> Failures.refused(id, refused);
            default -> new KvResponse.CompactOk(id, applied.revision());
        });
    }

}
