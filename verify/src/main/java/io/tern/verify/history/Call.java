package io.tern.verify.history;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tern.client.protocol.ReadMode;
import java.util.List;
import java.util.Objects;

/**
 * What a client asked for: one of the key-value operations of the contract. Keys and values are
 * text: the recorder writes small, unique values, and text keeps a saved history readable.
 * Wherever a value may be {@code null}, {@code null} stands for "the key is absent".
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Call.Get.class, name = "get"),
    @JsonSubTypes.Type(value = Call.Put.class, name = "put"),
    @JsonSubTypes.Type(value = Call.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = Call.Cas.class, name = "cas"),
    @JsonSubTypes.Type(value = Call.Batch.class, name = "batch"),
    @JsonSubTypes.Type(value = Call.Txn.class, name = "txn"),
})
public sealed interface Call {

    /** The keys this call reads or writes. */
    List<String> keys();

    /** A short human form, such as {@code PUT k1 v3}. */
    String describe();

    /**
     * A GET. The read mode is kept because it decides how the checker judges the read: only
     * LINEARIZABLE reads promise linearizability; a LOCAL read may be stale by contract.
     */
    record Get(String key, ReadMode readMode) implements Call {
        public Get {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(readMode, "readMode");
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }

        @Override
        public String describe() {
            return readMode == ReadMode.LOCAL ? "GET " + key + " (local)" : "GET " + key;
        }
    }

    record Put(String key, String value) implements Call {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }

        @Override
        public String describe() {
            return "PUT " + key + " " + value;
        }
    }

    record Delete(String key) implements Call {
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }

        @Override
        public String describe() {
            return "DELETE " + key;
        }
    }

    /**
     * A compare-and-set: {@code expected == null} means "the key must be absent",
     * {@code newValue == null} means "then delete it".
     */
    record Cas(String key, String expected, String newValue) implements Call {
        public Cas {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }

        @Override
        public String describe() {
            return "CAS " + key + " " + Values.show(expected) + "->" + Values.show(newValue);
        }
    }

    /** Puts and deletes applied atomically, in order (a later write to the same key wins). */
    record Batch(List<BatchWrite> writes) implements Call {
        public Batch {
            if (writes == null || writes.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one write");
            }
            writes = List.copyOf(writes);
        }

        @Override
        public List<String> keys() {
            return writes.stream().map(BatchWrite::key).distinct().toList();
        }

        @Override
        public String describe() {
            StringBuilder text = new StringBuilder("BATCH");
            for (BatchWrite write : writes) {
                text.append(write.value() == null ? " del " + write.key() : " " + write.key() + "=" + write.value());
            }
            return text.toString();
        }
    }

    /**
     * A transaction: if every guard holds, its writes are applied atomically (as a batch's);
     * otherwise it reads the guarded keys and writes nothing. In etcd's terms, compares on value (or
     * version 0 for "absent"), a success branch of puts and deletes, a failure branch of gets.
     */
    record Txn(List<Guard> guards, List<BatchWrite> writes) implements Call {
        public Txn {
            if (guards == null || guards.isEmpty() || writes == null || writes.isEmpty()) {
                throw new IllegalArgumentException("a txn needs at least one guard and one write");
            }
            guards = List.copyOf(guards);
            writes = List.copyOf(writes);
        }

        @Override
        public List<String> keys() {
            return java.util.stream.Stream.concat(guards.stream().map(Guard::key), writes.stream().map(BatchWrite::key))
                    .distinct().toList();
        }

        @Override
        public String describe() {
            StringBuilder text = new StringBuilder("TXN if");
            for (Guard guard : guards) {
                text.append(' ').append(guard.key()).append('=').append(Values.show(guard.expected()));
            }
            text.append(" then");
            for (BatchWrite write : writes) {
                text.append(write.value() == null ? " del " + write.key() : " " + write.key() + "=" + write.value());
            }
            return text.toString();
        }
    }

    /** A condition of a txn: the key holds {@code expected} ({@code null}: the key is absent). */
    record Guard(String key, String expected) {
        public Guard {
            Objects.requireNonNull(key, "key");
        }
    }

    /** One write of a batch: {@code value == null} deletes the key. */
    record BatchWrite(String key, String value) {
        public BatchWrite {
            Objects.requireNonNull(key, "key");
        }

        public static BatchWrite put(String key, String value) {
            return new BatchWrite(key, Objects.requireNonNull(value, "value"));
        }

        public static BatchWrite delete(String key) {
            return new BatchWrite(key, null);
        }
    }
}
