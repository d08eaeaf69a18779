package io.tern.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.platform.StageTrace.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageTraceTest {

    @Test
    void marksAreWrittenInOrderWithStageKeyAndMonotonicTime(@TempDir Path dir) throws IOException {
        StageTrace.Recorder recorder = new StageTrace.Recorder(10);
        long before = System.nanoTime();
        recorder.mark(Stage.READY_WITH_ENTRIES, 41);
        recorder.mark(Stage.ACK_RECEIVED, 3);
        long after = System.nanoTime();
        Path file = dir.resolve("member-1.trace");
        recorder.write(file);

        List<String[]> lines = Files.readAllLines(file).stream().map(line -> line.split(" ")).toList();
        assertEquals(3, lines.size());
        assertEquals("# dropped 0", String.join(" ", lines.get(2)));
        assertEquals("READY_WITH_ENTRIES", lines.get(0)[0]);
        assertEquals("41", lines.get(0)[1]);
        assertEquals("ACK_RECEIVED", lines.get(1)[0]);
        assertEquals("3", lines.get(1)[1]);
        long first = Long.parseLong(lines.get(0)[2]);
        long second = Long.parseLong(lines.get(1)[2]);
        assertTrue(before <= first && first <= second && second <= after, "times are System.nanoTime's, in order");
    }

    @Test
    void aFullRecorderKeepsTheFirstMarks(@TempDir Path dir) throws IOException {
        StageTrace.Recorder recorder = new StageTrace.Recorder(2);
        recorder.mark(Stage.CLIENT_DECODED, 0);
        recorder.mark(Stage.PROPOSAL_ON_LOOP, 0);
        recorder.mark(Stage.CLIENT_ANSWERED, 0);
        Path file = dir.resolve("member-1.trace");
        recorder.write(file);

        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("PROPOSAL_ON_LOOP "));
        assertEquals("# dropped 1", lines.get(2), "the analysis must know the trace is not whole");
    }
}
