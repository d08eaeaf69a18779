package io.tern.verify.api;

/** A watch under way; closing it stops it. */
public interface WatchHandle extends AutoCloseable {

    @Override
    void close();
}
