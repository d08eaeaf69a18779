package io.tern.server.watch;

import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchResponses;
import io.tern.kv.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/** A connection that records the frames written to it, and takes them only while told to. */
final class FakeSink implements WatchSink {

    final List<Response> frames = new ArrayList<>();
    boolean accepting = true;

    @Override
    public boolean accepts(long frameBytes) {
        return accepting;
    }

    @Override
    public void write(Response frame) {
        frames.add(frame);
    }

    /** The events sent to {@code watchId}, in the order sent. */
    List<WatchEvent> events(long watchId) {
        List<WatchEvent> events = new ArrayList<>();
        for (Response frame : frames) {
            if (frame instanceof WatchResponses.Events e && e.watchId() == watchId) {
                events.addAll(e.events());
            }
        }
        return events;
    }

    <T> List<T> framesOf(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Response frame : frames) {
            if (type.isInstance(frame)) {
                found.add(type.cast(frame));
            }
        }
        return found;
    }
}
