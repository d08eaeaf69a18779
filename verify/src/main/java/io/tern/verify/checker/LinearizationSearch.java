package io.tern.verify.checker;

import io.tern.verify.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Wing and Gong search for a linearization, with Lowe's memoization.
 *
 * <p>The operations become a list of events in time order: a call event at each invocation and a
 * return event at each completion (an operation with an unknown outcome has no return event: it may
 * take effect at any time after its invocation, or never; unless {@link EffectDeadlines} found when
 * it must have taken effect). The search walks the list from its
 * head. The operations whose call events come before the first return event may go next; the
 * search tries one: if the model accepts it, its events leave the list and the search goes on from
 * the new configuration, keeping a stack of the choices made. When none of them can go, the
 * operation of that first return event had to take effect already and cannot: the search undoes
 * the last choice and tries the next candidate there. When no return event is left, every
 * completed operation has been placed: the history is linearizable. When the first configuration
 * runs out of candidates, it is not.
 *
 * <p>Lowe's memoization: two paths that have linearized the same set of operations and reached the
 * same model state have the same future, so a (set, state) pair is explored at most once. This is
 * what makes the search fast on real histories, and also what the state budget counts. The sets
 * are kept compact ({@link PlacedOperations}).
 *
 * <p>The order in which candidates are tried does not change the answer (every candidate is tried
 * before a configuration is given up), only how soon a linearizable history is found, and that is
 * what decides whether a check of many concurrent clients ends within its bounds. Plain WGL tries
 * them in invocation order, which puts a long write in as early as possible; a read that then saw
 * the old value makes the search unwind every subset of the operations placed since. The order
 * here was chosen by measuring simulated histories (one key and sixteen clients; five keys tied by
 * batches, with unknown outcomes), in the spirit of Lowe's just-in-time linearization:
 * <ol>
 *   <li>a read that is legal now goes first, with no alternative ({@link Model#neverChangesState});
 *   <li>an operation that may never happen (an unknown outcome nobody bounded): the filter kept it
 *       because something observed its effect, so it most likely happened, and "later" or "never"
 *       are still tried if this fails; and a conditional write that is legal now
 *       ({@link Model#dependsOnState}): a CAS that expects the current value must take effect
 *       before any other write of its key replaces that value;
 *   <li>the urgent operation, whose return comes first: it must be placed now;
 *   <li>an operation after which the urgent one becomes legal (a read waits for the write of what
 *       it read, not for whichever write was invoked first);
 *   <li>the others on the urgent operation's keys, then the rest;
 * </ol>
 * each group earliest return first.
 *
 * <p>Ties: a call and a return at the same instant are ordered call first, so two operations that
 * merely touch in time count as concurrent. The checker never blames the system for a tie of the
 * clock.
 */
final class LinearizationSearch<S> {

    private static final int END = -1;
    private static final int DEADLINE_CHECK_INTERVAL = 1024;
    // Remembered states may fill half the heap; past that the search gives up (UNKNOWN), so that a
    // check never ends in an OutOfMemoryError whatever maxStates says.
    private static final long HEAP_SHARE_FOR_STATES = Runtime.getRuntime().maxMemory() / 2;
    // Candidate sort keys pack a rank, a return event and a call event; events fit in 29 bits.
    private static final long EVENT_MASK = (1L << 29) - 1;

    private final List<HistoryEntry> entries;
    private final Model<S> model;
    private final SearchBudget budget;

    // The event list: events 0..n-1 sorted by time, HEAD a sentinel before the first.
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final int[] entryOfEvent;
    private final boolean[] isCall;
    private final int[] returnOfCall;
    // Per entry, when it must have taken effect: its completion, or for some unknown ones a bound
    // found from what others observed (EffectDeadlines); NEVER when it may never happen.
    private final long[] deadlines;
    // Per entry, its keys as bits (a key's bit is its index mod 64: a clash only weakens the ordering).
    private final long[] keyMask;
    private final boolean[] observesOnly;
    private final boolean[] conditional;

    private LinearizationSearch(List<HistoryEntry> entries, Model<S> model, SearchBudget budget) {
        this.entries = entries;
        this.model = model;
        this.budget = budget;
        deadlines = EffectDeadlines.of(entries);
        List<long[]> events = new ArrayList<>(entries.size() * 2);
        for (int i = 0; i < entries.size(); i++) {
            events.add(new long[] {entries.get(i).operation().invokeNanos(), 0, i});
            if (deadlines[i] != Operation.NEVER) {
                events.add(new long[] {deadlines[i], 1, i});
            }
        }
        // By time, calls before returns at the same instant, then by entry for a stable order.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : a[1] != b[1] ? Long.compare(a[1], b[1])
                : Long.compare(a[2], b[2]));
        int count = events.size();
        if (count > EVENT_MASK) {
            throw new IllegalArgumentException("too many operations in one partition: " + entries.size());
        }
        head = count;
        next = new int[count + 1];
        prev = new int[count + 1];
        entryOfEvent = new int[count];
        isCall = new boolean[count];
        returnOfCall = new int[count];
        Arrays.fill(returnOfCall, END);
        keyMask = new long[entries.size()];
        observesOnly = new boolean[entries.size()];
        conditional = new boolean[entries.size()];
        Map<String, Integer> keyIndex = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Operation operation = entries.get(i).operation();
            observesOnly[i] = model.neverChangesState(operation.call(), operation.outcome());
            conditional[i] = model.dependsOnState(operation.call(), operation.outcome());
            for (String key : operation.call().keys()) {
                keyMask[i] |= 1L << (keyIndex.computeIfAbsent(key, k -> keyIndex.size()) % 64);
            }
        }
        int[] callOfEntry = new int[entries.size()];
        for (int event = 0; event < count; event++) {
            long[] e = events.get(event);
            entryOfEvent[event] = (int) e[2];
            isCall[event] = e[1] == 0;
            if (isCall[event]) {
                callOfEntry[(int) e[2]] = event;
            } else {
                returnOfCall[callOfEntry[(int) e[2]]] = event;
            }
        }
        next[head] = count == 0 ? END : 0;
        prev[head] = END;
        for (int event = 0; event < count; event++) {
            prev[event] = event == 0 ? head : event - 1;
            next[event] = event + 1 < count ? event + 1 : END;
        }
    }

    /** Searches for a linearization of {@code entries} under {@code model} within {@code budget}. */
    static <S> SearchResult run(List<HistoryEntry> entries, Model<S> model, SearchBudget budget) {
        return new LinearizationSearch<>(entries, model, budget).search();
    }

    private SearchResult search() {
        int completedLeft = 0;
        for (long deadline : deadlines) {
            completedLeft += deadline == Operation.NEVER ? 0 : 1;
        }
        PlacedOperations placed = new PlacedOperations(deadlines);
        Set<PlacedOperations.Snapshot> explored = new HashSet<>();
        long bytesRemembered = 0;
        List<Frame<S>> frames = new ArrayList<>();
        S state = model.initialState();
        int furthestBlockedEvent = END;
        long iterations = 0;

        if (completedLeft > 0) {
            frames.add(new Frame<>(candidates(state), state));
        }
        while (completedLeft > 0) {
            if (iterations++ % DEADLINE_CHECK_INTERVAL == 0 && budget.pastDeadline()) {
                return unknown(explored.size(), furthestBlockedEvent, SearchResult.Bound.DEADLINE);
            }
            Frame<S> frame = frames.getLast();
            if (frame.next == frame.candidates.length) {
                // No operation can go next here: the one whose return comes first is stuck.
                furthestBlockedEvent = Math.max(furthestBlockedEvent, firstReturn());
                frames.removeLast();
                if (frames.isEmpty()) {
                    return new SearchResult(Linearizability.NOT_LINEARIZABLE, explored.size(),
                            entries.get(entryOfEvent[furthestBlockedEvent]).id(), null);
                }
                Frame<S> parent = frames.getLast();
                int entry = entryOfEvent[parent.chosen];
                placed.unplace(entry);
                unlift(parent.chosen);
                state = parent.stateBefore;
                completedLeft += deadlines[entry] == Operation.NEVER ? 0 : 1;
                continue;
            }
            int call = frame.candidates[frame.next++];
            int entry = entryOfEvent[call];
            Operation operation = entries.get(entry).operation();
            Optional<S> after = model.step(state, operation.call(), operation.outcome());
            if (after.isEmpty()) {
                continue;
            }
            placed.place(entry);
            PlacedOperations.Snapshot configuration = placed.snapshot(after.get());
            if (!explored.add(configuration)) {
                placed.unplace(entry);
                continue;
            }
            bytesRemembered += configuration.bytes();
            if (explored.size() > budget.maxStates()) {
                return unknown(explored.size(), furthestBlockedEvent, SearchResult.Bound.STATES);
            }
            if (bytesRemembered > HEAP_SHARE_FOR_STATES) {
                return unknown(explored.size(), furthestBlockedEvent, SearchResult.Bound.MEMORY);
            }
            frame.chosen = call;
            lift(call);
            state = after.get();
            completedLeft -= deadlines[entry] == Operation.NEVER ? 0 : 1;
            if (completedLeft > 0) {
                frames.add(new Frame<>(candidates(state), state));
            }
        }
        return new SearchResult(Linearizability.LINEARIZABLE, explored.size(), -1, null);
    }

    /** The first return event still in the list (there is one while a completed operation is unplaced). */
    private int firstReturn() {
        int event = next[head];
        while (isCall[event]) {
            event = next[event];
        }
        return event;
    }

    /**
     * The operations that may go next: those invoked before the first return still in the list,
     * most urgent first (see the class comment); or only a read that is legal now, which may
     * always go first ({@link Model#neverChangesState}).
     */
    private int[] candidates(S state) {
        int urgentReturn = firstReturn();
        for (int event = next[head]; event != urgentReturn; event = next[event]) {
            if (observesOnly[entryOfEvent[event]]) {
                Operation operation = entries.get(entryOfEvent[event]).operation();
                if (model.step(state, operation.call(), operation.outcome()).isPresent()) {
                    return new int[] {event};
                }
            }
        }
        int urgentEntry = entryOfEvent[urgentReturn];
        Operation urgent = entries.get(urgentEntry).operation();
        long urgentKeys = keyMask[urgentEntry];
        int urgentCall = END;
        int count = 0;
        for (int event = next[head]; event != urgentReturn; event = next[event]) {
            count++;
            if (returnOfCall[event] == urgentReturn) {
                urgentCall = event;
            }
        }
        // Ranks: 0 an operation that may never happen, or a conditional write that is legal now,
        // 1 the urgent operation, 2 one after which the urgent operation becomes legal, 3 another on
        // its keys, 4 the rest. Within a rank, the earliest return first: the nearest deadline.
        long[] keys = new long[count];
        int filled = 0;
        for (int event = next[head]; event != urgentReturn; event = next[event]) {
            int entry = entryOfEvent[event];
            Operation candidate = entries.get(entry).operation();
            long rank;
            if (deadlines[entry] == Operation.NEVER
                    || conditional[entry] && model.step(state, candidate.call(), candidate.outcome()).isPresent()) {
                rank = 0;
            } else if (event == urgentCall) {
                rank = 1;
            } else if ((keyMask[entry] & urgentKeys) == 0) {
                rank = 4;
            } else {
                Optional<S> after = model.step(state, candidate.call(), candidate.outcome());
                rank = after.isPresent() && model.step(after.get(), urgent.call(), urgent.outcome()).isPresent() ? 2 : 3;
            }
            long deadline = returnOfCall[event] == END ? EVENT_MASK : returnOfCall[event];
            keys[filled++] = rank << 58 | deadline << 29 | event;
        }
        Arrays.sort(keys);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (int) (keys[i] & EVENT_MASK);
        }
        return order;
    }

    private SearchResult unknown(long states, int furthestBlockedEvent, SearchResult.Bound boundHit) {
        int blocked = furthestBlockedEvent == END ? -1 : entries.get(entryOfEvent[furthestBlockedEvent]).id();
        return new SearchResult(Linearizability.UNKNOWN, states, blocked, boundHit);
    }

    /** Takes an operation's call and return events out of the list. */
    private void lift(int call) {
        remove(call);
        if (returnOfCall[call] != END) {
            remove(returnOfCall[call]);
        }
    }

    /** Puts them back, in the reverse order, so each finds its neighbours as it left them. */
    private void unlift(int call) {
        if (returnOfCall[call] != END) {
            restore(returnOfCall[call]);
        }
        restore(call);
    }

    private void remove(int event) {
        next[prev[event]] = next[event];
        if (next[event] != END) {
            prev[next[event]] = prev[event];
        }
    }

    private void restore(int event) {
        next[prev[event]] = event;
        if (next[event] != END) {
            prev[next[event]] = event;
        }
    }

    /** One configuration on the search path: what it may try, what it tried, and its state. */
    private static final class Frame<S> {
        final int[] candidates;
        final S stateBefore;
        int next;
        int chosen = END;

        Frame(int[] candidates, S stateBefore) {
            this.candidates = candidates;
            this.stateBefore = stateBefore;
        }
    }
}
