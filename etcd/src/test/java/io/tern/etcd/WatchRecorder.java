package io.tern.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.tern.verify.cluster.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A jetcd watch listener that keeps everything it is told, for a test to wait on and look at. */
final class WatchRecorder implements Watch.Listener {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final List<WatchResponse> responses = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private boolean completed;

    /**
     * A watch of {@code key} reported to a new recorder, once the member has created it: jetcd sends
     * the create without waiting, and a watch of "from now on" sees only what comes after its creation.
     */
    static WatchRecorder watching(Watch watch, String key, WatchOption.Builder option, List<Watch.Watcher> opened) {
        WatchRecorder recorder = new WatchRecorder();
        opened.add(watch.watch(EtcdKvTest.b(key), option.withCreateNotify(true).build(), recorder));
        recorder.awaitResponse("the watch of " + key + " created", WatchResponse::isCreatedNotify);
        return recorder;
    }

    @Override
    public synchronized void onNext(WatchResponse response) {
        responses.add(response);
    }

    @Override
    public synchronized void onError(Throwable error) {
        errors.add(error);
    }

    @Override
    public synchronized void onCompleted() {
        completed = true;
    }

    synchronized List<WatchResponse> responses() {
        return List.copyOf(responses);
    }

    /** The events of every response so far, in order. */
    synchronized List<WatchEvent> events() {
        return responses.stream().flatMap(r -> r.getEvents().stream()).toList();
    }

    synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    synchronized boolean completed() {
        return completed;
    }

    /** The first {@code count} events, once that many have come. */
    List<WatchEvent> awaitEvents(int count) {
        Await.until(count + " watch events", WAIT, () -> events().size() >= count);
        return events().subList(0, count);
    }

    /** The first response that matches, once one has come. */
    WatchResponse awaitResponse(String what, Predicate<WatchResponse> matching) {
        Await.until(what, WAIT, () -> responses().stream().anyMatch(matching));
        return responses().stream().filter(matching).findFirst().orElseThrow();
    }

    Throwable awaitError() {
        Await.until("a watch error", WAIT, () -> !errors().isEmpty());
        return errors().getFirst();
    }

    /** jetcd's events as "TYPE key=value@modRevision", the way tests compare them. */
    static List<String> described(List<WatchEvent> events) {
        return events.stream().map(WatchRecorder::described).toList();
    }

    static String described(WatchEvent event) {
        return event.getEventType() + " " + EtcdKvTest.s(event.getKeyValue().getKey()) + "="
                + EtcdKvTest.s(event.getKeyValue().getValue()) + "@" + event.getKeyValue().getModRevision();
    }
}
