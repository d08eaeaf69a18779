package io.tern.server.service;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.Request;
import io.tern.engine.state.Command;
import java.util.ArrayList;
import java.util.List;

/** The engine command each key-value write becomes: what is proposed, and what its size is judged by. */
final class WriteCommands {

    private WriteCommands() {
    }

    /** The command {@code request} proposes, or null for a request that proposes none. */
    static Command of(Request request) {
        return switch (request) {
            case Request.Put put -> new Command.Put(put.key(), put.value());
            case Request.Delete delete -> new Command.Delete(delete.key());
            case Request.Cas cas -> new Command.CompareAndSet(cas.key(), cas.expected(), cas.newValue());
            case Request.Batch batch -> batch(batch);
            case KvRequest.Write write -> new Command.Kv(write.op());
            case KvRequest.Compact compact -> new Command.Compact(compact.revision());
            default -> null;
        };
    }

    private static Command.Batch batch(Request.Batch batch) {
        List<Command.BatchOp> ops = new ArrayList<>(batch.ops().size());
        for (BatchOp op : batch.ops()) {
            ops.add(switch (op) {
                case BatchOp.Put put -> new Command.Put(put.key(), put.value());
                case BatchOp.Delete delete -> new Command.Delete(delete.key());
            });
        }
        return new Command.Batch(ops);
    }
}
