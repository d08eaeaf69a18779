package io.tern.engine.state;

import io.tern.kv.RangeResponse;

/** @param revision the revision the range was read at: the request's, or the applied index for a current read */
public record RangeResult(long revision, RangeResponse response) {
}
