package io.tern.engine.state;

import io.tern.kv.WatchEvent;
import java.util.List;

/**
 * Told of every change the state applies, for watches. Called on the applier's thread right after
 * the change is readable, so it must hand the work off rather than do it.
 */
public interface ChangeListener {

    /**
     * Entries up to {@code appliedIndex} were applied; {@code events} are their changes in revision
     * order, each with {@code prevKv} filled in where the key existed before.
     */
    void applied(long appliedIndex, List<WatchEvent> events);

    /**
     * The state was replaced by an installed snapshot at {@code appliedIndex}: the changes between the
     * last {@link #applied} and it are only in the history now.
     */
    void replaced(long appliedIndex);
}
