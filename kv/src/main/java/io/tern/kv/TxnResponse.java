package io.tern.kv;

import java.util.List;

/** @param succeeded whether the compares held; {@code responses} answer the branch that ran, in order */
public record TxnResponse(boolean succeeded, List<KvOpResponse> responses) implements KvOpResponse {

    public TxnResponse {
        responses = List.copyOf(responses);
    }
}
