package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.done;
import static io.tern.etcd.EtcdKvTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.tern.verify.cluster.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jetcd watch on three members in processes of their own, whose member is killed (SIGKILL) while
 * keys are written: jetcd reconnects to another member and resumes after the last change it got,
 * and the changes it reports, before and after, are exactly the keys' history, each once, in order.
 */
@Timeout(180)
class EtcdWatchKillTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aWatchResumesOnAnotherMemberWithoutLosingOrRepeatingAChange() throws Exception {
        try (EtcdProcessMembers members = EtcdProcessMembers.start(3, dir)) {
            Client watching = members.jetcd(members.ids().stream().mapToLong(Long::longValue).toArray());
            List<Watch.Watcher> opened = new ArrayList<>();
            WatchRecorder seen = WatchRecorder.watching(watching.getWatchClient(), "kill/",
                    WatchOption.builder().isPrefix(true), opened);
            long watchedOn = seen.responses().getFirst().getHeader().getMemberId();
            long writeTo = members.ids().stream().filter(id -> id != watchedOn).findFirst().orElseThrow();
            KV writes = members.jetcd(writeTo).getKVClient();

            Writer writer = new Writer(writes);
            Thread writing = Thread.ofPlatform().name("kill-test-writer").start(writer);
            Await.until("changes seen before the kill", WAIT, () -> seen.events().size() >= 20);
            members.kill(watchedOn);
            int writtenAtKill = writer.acknowledged.get();
            Await.until("changes written after the kill", WAIT, () -> writer.acknowledged.get() >= writtenAtKill + 30);
            writer.running.set(false);
            writing.join(TimeUnit.SECONDS.toMillis(30));

            // The history: every key written (some puts whose answer was lost may have been applied too).
            List<String> history = done(writes.get(b("kill/"), GetOption.builder().isPrefix(true)
                    .withSortField(GetOption.SortTarget.MOD).build())).getKvs().stream()
                    .map(kv -> s(kv.getKey()) + "@" + kv.getModRevision()).toList();
            Await.until("the watch to reach the last change", WAIT, () -> changes(seen).contains(history.getLast()));
            assertEquals(history, changes(seen), "every change once, in order, across the kill");

            WatchResponse lastResponse = seen.responses().getLast();
            assertNotEquals(watchedOn, lastResponse.getHeader().getMemberId(), "resumed on another member");
            assertTrue(writer.acknowledged.get() > writtenAtKill);
            opened.forEach(Watch.Watcher::close);
        }
    }

    private static List<String> changes(WatchRecorder seen) {
        return seen.events().stream().map(e -> s(e.getKeyValue().getKey()) + "@" + e.getKeyValue().getModRevision()).toList();
    }

    /** Puts new keys one after another until told to stop; a put that fails is not retried (its key may exist). */
    private static final class Writer implements Runnable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger acknowledged = new AtomicInteger();
        private final KV kv;

        Writer(KV kv) {
            this.kv = kv;
        }

        @Override
        public void run() {
            for (int attempt = 0; running.get(); attempt++) {
                try {
                    kv.put(b(String.format("kill/%05d", attempt)), b("v")).get(10, TimeUnit.SECONDS);
                    acknowledged.incrementAndGet();
                } catch (Exception e) {
                    // The leader may be gone for an election: the next key tries again.
                }
            }
        }
    }
}
