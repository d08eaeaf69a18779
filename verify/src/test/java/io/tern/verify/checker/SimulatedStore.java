package io.tern.verify.checker;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Histories of a store that is linearizable by construction: each operation takes effect at one
 * instant chosen at random within its interval, and its result is what the store held then. An
 * operation with an unknown outcome takes effect at a random instant after its invocation (often
 * after its client gave up) or never; a failed one never does. Every write writes a fresh value.
 */
final class SimulatedStore {

    private static final long MICROS = 1_000;

    /**
     * @param processes concurrent clients; each waits for its operation (or gives up) before the next
     * @param unknownRate share of operations whose outcome is unknown
     * @param failedRate share of operations that certainly did not happen
     * @param batchRate share of operations that are a BATCH over two or three keys
     */
    record Settings(long seed, int processes, int operations, List<String> keys, double unknownRate, double failedRate,
                    double batchRate) {
    }

    private enum Kind { GET, PUT, DELETE, CAS, BATCH }

    /** An operation before its results are known. */
    private static final class Planned {
        int process;
        long invoke;
        long complete;
        long effectAt = Operation.NEVER;
        Kind kind;
        List<String> keys;
        boolean unknown;
        boolean failed;
        Call call;
        Outcome outcome;
    }

    private final Random random;
    private final Settings settings;
    private int nextValue;

    private SimulatedStore(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    static History run(Settings settings) {
        return new SimulatedStore(settings).simulate();
    }

    private History simulate() {
        long[] freeAt = new long[settings.processes()];
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < settings.operations(); i++) {
            int process = 0;
            for (int p = 1; p < freeAt.length; p++) {
                process = freeAt[p] < freeAt[process] ? p : process;
            }
            Planned op = plan(process, freeAt[process] + random.nextInt(200) * MICROS);
            freeAt[process] = op.complete;
            planned.add(op);
        }
        // Apply in the order the operations took effect, filling in calls and results.
        Map<String, String> store = new HashMap<>();
        planned.stream().filter(op -> op.effectAt != Operation.NEVER)
                .sorted(Comparator.comparingLong(op -> op.effectAt))
                .forEach(op -> apply(op, store));
        planned.stream().filter(op -> op.effectAt == Operation.NEVER).forEach(this::neverApplied);

        // A recorder appends each operation when its client is done with it.
        planned.sort(Comparator.comparingLong((Planned op) -> op.complete).thenComparingLong(op -> op.invoke));
        List<Operation> operations = new ArrayList<>();
        for (Planned op : planned) {
            operations.add(op.unknown
                    ? Operation.unknown(op.process, op.call, op.invoke, "TIMEOUT")
                    : new Operation(op.process, op.call, op.outcome, op.invoke, op.complete));
        }
        return History.of(operations);
    }

    private Planned plan(int process, long invoke) {
        Planned op = new Planned();
        op.process = process;
        op.invoke = invoke;
        long duration = (50 + random.nextInt(random.nextInt(20) == 0 ? 20_000 : 3_000)) * MICROS;
        op.complete = invoke + duration;
        double kind = random.nextDouble();
        op.kind = kind < settings.batchRate() ? Kind.BATCH
                : kind < 0.45 ? Kind.GET : kind < 0.7 ? Kind.PUT : kind < 0.8 ? Kind.DELETE : Kind.CAS;
        op.keys = op.kind == Kind.BATCH ? someKeys() : List.of(aKey());
        double fate = random.nextDouble();
        if (fate < settings.unknownRate()) {
            op.unknown = true;
            // Half never land; the rest land any time after the invocation, often after the client gave up.
            op.effectAt = random.nextBoolean() ? Operation.NEVER : invoke + (long) (random.nextDouble() * (duration + 20_000 * MICROS));
        } else if (fate < settings.unknownRate() + settings.failedRate()) {
            op.failed = true;
        } else {
            op.effectAt = invoke + (long) (random.nextDouble() * duration);
        }
        return op;
    }

    private void apply(Planned op, Map<String, String> store) {
        String key = op.keys.getFirst();
        String current = store.get(key);
        switch (op.kind) {
            case GET -> {
                op.call = new Call.Get(key, ReadMode.LINEARIZABLE);
                op.outcome = new Outcome.ValueRead(current);
            }
            case PUT -> {
                String value = fresh();
                op.call = new Call.Put(key, value);
                op.outcome = new Outcome.Written();
                store.put(key, value);
            }
            case DELETE -> {
                op.call = new Call.Delete(key);
                op.outcome = new Outcome.Deleted(current != null);
                store.remove(key);
            }
            case CAS -> {
                // Mostly expect what is there, as a client that just read it would.
                String expected = random.nextInt(10) < 7 ? current : random.nextBoolean() ? null : fresh();
                String newValue = random.nextInt(7) == 0 ? null : fresh();
                op.call = new Call.Cas(key, expected, newValue);
                if (Objects.equals(expected, current)) {
                    op.outcome = new Outcome.Written();
                    put(store, key, newValue);
                } else {
                    op.outcome = new Outcome.CasMismatch(current);
                }
            }
            case BATCH -> {
                List<Call.BatchWrite> writes = new ArrayList<>();
                for (String batchKey : op.keys) {
                    Call.BatchWrite write = random.nextInt(6) == 0 ? Call.BatchWrite.delete(batchKey) : Call.BatchWrite.put(batchKey, fresh());
                    writes.add(write);
                    put(store, batchKey, write.value());
                }
                op.call = new Call.Batch(writes);
                op.outcome = new Outcome.Written();
            }
        }
        if (op.unknown) {
            op.outcome = new Outcome.Unknown("TIMEOUT");
        }
    }

    private void neverApplied(Planned op) {
        String key = op.keys.getFirst();
        op.call = switch (op.kind) {
            case GET -> new Call.Get(key, ReadMode.LINEARIZABLE);
            case PUT -> new Call.Put(key, fresh());
            case DELETE -> new Call.Delete(key);
            case CAS -> new Call.Cas(key, random.nextBoolean() ? null : fresh(), fresh());
            case BATCH -> new Call.Batch(op.keys.stream().map(k -> Call.BatchWrite.put(k, fresh())).toList());
        };
        op.outcome = op.unknown ? new Outcome.Unknown("TIMEOUT") : new Outcome.Failed("UNAVAILABLE");
    }

    private static void put(Map<String, String> store, String key, String value) {
        if (value == null) {
            store.remove(key);
        } else {
            store.put(key, value);
        }
    }

    private String aKey() {
        return settings.keys().get(random.nextInt(settings.keys().size()));
    }

    private List<String> someKeys() {
        List<String> shuffled = new ArrayList<>(settings.keys());
        java.util.Collections.shuffle(shuffled, random);
        return List.copyOf(shuffled.subList(0, Math.min(shuffled.size(), 2 + random.nextInt(2))));
    }

    private String fresh() {
        return "v" + nextValue++;
    }

    /** A history where one read was changed to a value it certainly could not have seen. */
    record Mutation(History history, int readId, String wasRead, String nowReads) {
    }

    /**
     * Changes one LINEARIZABLE read's result to a value that no order can give it: a value whose
     * every write began after the read completed or failed, or whose only write was certainly
     * overwritten (another known write of the key began after it completed and completed before
     * the read began). Other values might have been current in some other valid order, so they are
     * never chosen.
     */
    static Optional<Mutation> mutateOneRead(History history, Random random) {
        List<Operation> operations = history.operations();
        Map<Fact, List<Operation>> writers = new HashMap<>();
        Map<String, List<Operation>> knownWritesOfKey = new HashMap<>();
        for (Operation operation : operations) {
            for (Fact fact : Footprint.written(operation)) {
                writers.computeIfAbsent(fact, f -> new ArrayList<>()).add(operation);
                if (operation.outcome() instanceof Outcome.Ok) {
                    knownWritesOfKey.computeIfAbsent(fact.key(), k -> new ArrayList<>()).add(operation);
                }
            }
        }
        List<Integer> reads = new ArrayList<>();
        for (int id = 0; id < operations.size(); id++) {
            if (operations.get(id).call() instanceof Call.Get && operations.get(id).outcome() instanceof Outcome.ValueRead) {
                reads.add(id);
            }
        }
        java.util.Collections.shuffle(reads, random);
        for (int id : reads) {
            Operation read = operations.get(id);
            String key = read.call().keys().getFirst();
            List<Fact> values = new ArrayList<>(writers.keySet().stream().filter(f -> f.key().equals(key) && f.value() != null).toList());
            values.sort(Comparator.comparing(Fact::value));
            java.util.Collections.shuffle(values, random);
            for (Fact value : values) {
                if (certainlyNotCurrent(read, value, writers.get(value), knownWritesOfKey.getOrDefault(key, List.of()))) {
                    List<Operation> mutated = new ArrayList<>(operations);
                    mutated.set(id, read.withCallAndOutcome(read.call(), new Outcome.ValueRead(value.value())));
                    String wasRead = ((Outcome.ValueRead) read.outcome()).value();
                    return Optional.of(new Mutation(History.of(mutated), id, wasRead, value.value()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean certainlyNotCurrent(Operation read, Fact value, List<Operation> writersOfValue, List<Operation> knownWrites) {
        boolean neverBefore = writersOfValue.stream().allMatch(w -> w.isFailed() || w.invokeNanos() > read.completeNanos());
        if (neverBefore) {
            return true;
        }
        if (writersOfValue.size() != 1 || !(writersOfValue.getFirst().outcome() instanceof Outcome.Written)) {
            return false;
        }
        Operation writer = writersOfValue.getFirst();
        return knownWrites.stream().anyMatch(other -> other != writer
                && Footprint.written(other).stream().anyMatch(f -> f.key().equals(value.key()) && !Objects.equals(f.value(), value.value()))
                && other.invokeNanos() > writer.completeNanos() && other.completeNanos() < read.invokeNanos());
    }
}
