package io.tern.raft.nodesim;

import io.tern.raft.types.LogEntry;
import io.tern.raft.types.Membership;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What survives a member's crash: the log as of its last sync, the term, vote and bootstrap
 * membership (saved durably on each save), and the member's newest snapshot. The log writes since
 * the last sync are kept as pending operations; a crash lets a random prefix of them reach the disk,
 * the last one possibly torn (an append cut short), and loses the rest.
 */
final class SimDisk {

    /** A log write not yet synced; {@code torn} is what part of it may reach the disk. */
    private record Pending(Consumer<LogImage> write, Consumer<LogImage> torn) {
    }

    final LogImage log = new LogImage();
    private final List<Pending> pending = new ArrayList<>();
    long term;
    long votedFor;
    Membership bootstrap = Membership.EMPTY;
    SimSnapshot newestSnapshot;

    void pendingWrite(Consumer<LogImage> write) {
        pending.add(new Pending(write, image -> { }));
    }

    void pendingAppend(List<LogEntry> entries, int tornLength) {
        List<LogEntry> copy = List.copyOf(entries);
        pending.add(new Pending(image -> image.append(copy), image -> image.append(copy.subList(0, tornLength))));
    }

    void sync() {
        pending.forEach(p -> p.write().accept(log));
        pending.clear();
    }

    /** The process died: some of what was written since the last sync made it, the rest is lost. */
    void crash(SplittableRandom random) {
        int reached = random.nextInt(pending.size() + 1);
        for (int i = 0; i < reached; i++) {
            pending.get(i).write().accept(log);
        }
        if (reached < pending.size() && random.nextBoolean()) {
            pending.get(reached).torn().accept(log);
        }
        pending.clear();
    }
}
