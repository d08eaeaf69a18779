package io.tern.verify.checker;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.util.ArrayList;
import java.util.List;

/** Hand-written histories for tests: times in milliseconds; each method returns the operation's id. */
final class HistoryBuilder {

    private static final long MS = 1_000_000;

    private final List<Operation> operations = new ArrayList<>();

    int add(Operation operation) {
        operations.add(operation);
        return operations.size() - 1;
    }

    int put(int process, String key, String value, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Put(key, value), new Outcome.Written(), invokeMs * MS, completeMs * MS));
    }

    int putUnknown(int process, String key, String value, long invokeMs) {
        return add(Operation.unknown(process, new Call.Put(key, value), invokeMs * MS, "TIMEOUT"));
    }

    int putFailed(int process, String key, String value, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Put(key, value), new Outcome.Failed("UNAVAILABLE"), invokeMs * MS, completeMs * MS));
    }

    /** A LINEARIZABLE GET that read {@code value} ({@code null}: absent). */
    int get(int process, String key, String value, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Get(key, ReadMode.LINEARIZABLE), new Outcome.ValueRead(value),
                invokeMs * MS, completeMs * MS));
    }

    int getLocal(int process, String key, String value, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Get(key, ReadMode.LOCAL), new Outcome.ValueRead(value),
                invokeMs * MS, completeMs * MS));
    }

    int delete(int process, String key, boolean existed, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Delete(key), new Outcome.Deleted(existed), invokeMs * MS, completeMs * MS));
    }

    int deleteUnknown(int process, String key, long invokeMs) {
        return add(Operation.unknown(process, new Call.Delete(key), invokeMs * MS, "connection lost"));
    }

    /** A CAS that succeeded. */
    int cas(int process, String key, String expected, String newValue, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Cas(key, expected, newValue), new Outcome.Written(), invokeMs * MS, completeMs * MS));
    }

    int casMismatch(int process, String key, String expected, String newValue, String current, long invokeMs, long completeMs) {
        return add(new Operation(process, new Call.Cas(key, expected, newValue), new Outcome.CasMismatch(current),
                invokeMs * MS, completeMs * MS));
    }

    int casUnknown(int process, String key, String expected, String newValue, long invokeMs) {
        return add(Operation.unknown(process, new Call.Cas(key, expected, newValue), invokeMs * MS, "TIMEOUT"));
    }

    int batch(int process, long invokeMs, long completeMs, Call.BatchWrite... writes) {
        return add(new Operation(process, new Call.Batch(List.of(writes)), new Outcome.Written(), invokeMs * MS, completeMs * MS));
    }

    /**
     * Sequential, valid traffic on {@code key} from {@code startMs}: puts of fresh values, each read
     * back, spread over processes 10 and up. Returns the time it ends, so an anomaly can follow.
     */
    long sequentialTraffic(String key, int operations, long startMs) {
        long t = startMs;
        for (int i = 0; i < operations; i++) {
            String value = key + "-seq" + i;
            put(10 + i % 4, key, value, t, t + 1);
            get(10 + (i + 1) % 4, key, value, t + 2, t + 3);
            t += 4;
        }
        return t;
    }

    History build() {
        return History.of(operations);
    }
}
