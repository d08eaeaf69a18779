package io.tern.engine.log;

import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Chronicle names each rolled file after the start of its cycle (UTC, epoch 0, the roll cycle's
 * pattern, ".cq4"); computing the name both ways beats depending on store callbacks.
 */
final class CycleFiles {
    private static final String SUFFIX = ".cq4";

    private final Path directory;
    private final RollCycle rollCycle;
    private final DateTimeFormatter format;

    CycleFiles(Path directory, RollCycle rollCycle) {
        this.directory = directory;
        this.rollCycle = rollCycle;
        this.format = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    }

    Path fileFor(int cycle) {
        return directory.resolve(format.format(Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + SUFFIX);
    }

    int cycleOf(long queueIndex) {
        return rollCycle.toCycle(queueIndex);
    }

    /** The queue index of the data document numbered {@code sequence} (from 0) in {@code cycle}'s file. */
    long queueIndex(int cycle, long sequence) {
        return rollCycle.toIndex(cycle, sequence);
    }

    /** The cycles that have a file in the directory, oldest first. */
    TreeSet<Integer> existingCycles() {
        TreeSet<Integer> cycles = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    long millis = Instant.from(format.parse(name.substring(0, name.length() - SUFFIX.length()))).toEpochMilli();
                    cycles.add(Math.toIntExact(millis / rollCycle.lengthInMillis()));
                } catch (DateTimeParseException e) {
                    // Not one of ours (another roll cycle's file): leave it alone.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cycles;
    }
}
