package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.state.Alarm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The monitor's decisions, checked by hand with a free space and an alarm state the test sets. */
class DiskSpaceMonitorTest {

    private static final long RESERVE = 100L << 20;

    private long free = 500L << 20;
    private final List<Alarm> alarms = new ArrayList<>();
    private final List<Request.Alarm> sent = new ArrayList<>();
    private CompletableFuture<Response> answer = new CompletableFuture<>();
    private final DiskSpaceMonitor monitor = new DiskSpaceMonitor(2, Path.of("/data/two"), RESERVE, () -> free,
            () -> List.copyOf(alarms), request -> {
                sent.add(request);
                return answer;
            });

    @Test
    void raisesOnceBelowTheReserveAndClearsOnceThereIsRoomAgain() {
        monitor.check();
        assertEquals(List.of(), sent, "room to spare and no alarm: nothing to do");

        free = RESERVE - 1;
        monitor.check();
        assertEquals(1, sent.size());
        Request.Alarm raise = sent.getFirst();
        assertTrue(raise.activate() && raise.memberId() == 2 && raise.alarm() == Request.Alarm.NOSPACE, raise.toString());
        assertEquals("member 2's data directory /data/two has 100.0 MiB free, below the 100.0 MiB reserve", raise.detail());

        monitor.check();
        assertEquals(1, sent.size(), "not sent again while the first is in flight");
        answer.complete(new Response.Unavailable(1, "no leader"));
        answer = new CompletableFuture<>();
        monitor.check();
        assertEquals(2, sent.size(), "a request that did not go through is sent again");
        answer.complete(new Response.AlarmOk(2, 10));
        alarms.add(new Alarm(2, Alarm.Type.NOSPACE, raise.detail()));
        monitor.check();
        assertEquals(2, sent.size(), "the alarm is raised: nothing more to do while the disk is low");

        free = RESERVE;
        answer = new CompletableFuture<>();
        monitor.check();
        assertEquals(3, sent.size());
        assertTrue(!sent.getLast().activate() && sent.getLast().memberId() == 2, sent.getLast().toString());
    }

    private final Logger monitorLog = (Logger) LoggerFactory.getLogger(DiskSpaceMonitor.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureTheLog() {
        logged.start();
        monitorLog.addAppender(logged);
    }

    @AfterEach
    void releaseTheLog() {
        monitorLog.detachAppender(logged);
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anAlarmThatDoesNotGoThroughIsWarnedAboutOncePerStreak() {
        free = RESERVE - 1;
        monitor.check();
        int atStart = warnings().size();
        for (int attempt = 1; attempt <= 3; attempt++) {
            answer.complete(new Response.NotLeader(attempt, ""));
            answer = new CompletableFuture<>();
            monitor.check();
        }
        assertEquals(4, sent.size(), "every check tries again");
        List<String> failures = warnings().subList(atStart, warnings().size());
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith("member 2: raising the NOSPACE alarm did not go through (NOT_LEADER"),
                failures.getFirst());

        answer.complete(new Response.AlarmOk(4, 10));
        answer = new CompletableFuture<>();
        monitor.check();
        answer.completeExceptionally(new java.io.IOException("connection reset"));
        assertEquals(atStart + 2, warnings().size(), "a new streak is warned about again: " + warnings());
    }

    @Test
    void aMemberThatStartsBelowItsReserveSaysSoOnceAndWhatToDo() {
        free = RESERVE - 1;
        monitor.check();
        monitor.check();
        assertEquals(List.of("member 2 starts with 100.0 MiB free in its data directory /data/two, below its 100.0 MiB "
                + "reserve: it raises a NOSPACE alarm, and the cluster refuses new writes until there is room or "
                + "--disk-reserve-bytes is lowered (0 disables it)"), warnings());
    }

    @Test
    void anotherMembersAlarmIsLeftAlone() {
        alarms.add(new Alarm(3, Alarm.Type.NOSPACE, "member 3 is full"));
        monitor.check();
        assertEquals(List.of(), sent);
    }

    @Test
    void sizesReadLikeAPersonWouldWriteThem() {
        assertEquals("512 bytes", DiskSpaceMonitor.size(512));
        assertEquals("1.5 KiB", DiskSpaceMonitor.size(1536));
        assertEquals("256.0 MiB", DiskSpaceMonitor.size(256L << 20));
    }
}
