package io.tern.verify.watch;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What one watch delivered, across every member it was resumed on.
 *
 * @param name how reports name it ("watch 3 on prefix k1")
 * @param covers which keys it watches
 * @param startRevision the first revision it asked for
 * @param events what it delivered, in delivery order
 * @param completeThrough the revision through which it promised to have delivered every change: the
 *     last event's or the last progress notification's revision, whichever is higher
 */
public record ObservedWatch(String name, Predicate<String> covers, long startRevision, List<Change> events,
                            long completeThrough) {

    public ObservedWatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(covers, "covers");
        events = List.copyOf(events);
    }
}
