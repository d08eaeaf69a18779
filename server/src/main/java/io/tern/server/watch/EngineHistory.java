package io.tern.server.watch;

import io.tern.engine.StorageEngine;
import io.tern.engine.state.HistoryBatch;
import java.time.Duration;

/** The engine as the watches' {@link HistorySource}, and the hub listening to it. */
public final class EngineHistory implements HistorySource {

    private final StorageEngine engine;

    private EngineHistory(StorageEngine engine) {
        this.engine = engine;
    }

    /** A hub serving watches from {@code engine}, told of every change it applies from now on. */
    public static WatchHub watch(StorageEngine engine, String threadName, Duration progressInterval) {
        WatchHub hub = WatchHub.start(new EngineHistory(engine), threadName, progressInterval);
        engine.addChangeListener(hub);
        return hub;
    }

    @Override
    public HistoryBatch history(long fromRevision, int maxEvents, long maxBytes, boolean withPrevKv) {
        return engine.history(fromRevision, maxEvents, maxBytes, withPrevKv);
    }

    @Override
    public long compactRevision() {
        return engine.compactRevision();
    }

    @Override
    public long currentRevision() {
        return engine.appliedIndex();
    }
}
