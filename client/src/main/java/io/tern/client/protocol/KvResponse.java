package io.tern.client.protocol;

import io.tern.kv.KvOpResponse;
import java.util.Objects;

/** The OK answers to etcd's key operations (opcodes 0x20 to 0x24); see {@link KvRequest}. */
public final class KvResponse {

    private KvResponse() {
    }

    /**
     * OK to RANGE, PUT_KV, DELETE_RANGE or TXN: the answer in {@link io.tern.kv.KvCodec}'s form.
     *
     * @param revision for a read, the revision it observed; for a write, the revision of its entry
     */
    public record OpOk(long requestId, long revision, KvOpResponse response) implements Response.Kv {
        public OpOk {
            Objects.requireNonNull(response, "response");
        }

        @Override
        public Status status() {
            return Status.OK;
        }

        @Override
        public OpOk withRequestId(long id) {
            return new OpOk(id, revision, response);
        }
    }

    /** OK to COMPACT: {@code revision} is the index of the entry that compacted. */
    public record CompactOk(long requestId, long revision) implements Response.Kv {
        @Override
        public Status status() {
            return Status.OK;
        }

        @Override
        public CompactOk withRequestId(long id) {
            return new CompactOk(id, revision);
        }
    }
}
