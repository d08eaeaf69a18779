package io.tern.kv;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules a key operation must follow before it is proposed, as etcd's server checks them, with
 * etcd's words (what etcd clients match on). The server applies them authoritatively; the Java client
 * applies the same ones to fail fast without a round trip. Sort order and target need no check here:
 * {@link KvCodec} cannot carry an unknown one.
 */
public final class KvRequestChecks {

    /** The most operations a transaction may hold, as etcd's default {@code --max-txn-ops}. */
    public static final int MAX_TXN_OPS = 128;

    public static final String EMPTY_KEY = "etcdserver: key is not provided";
    public static final String VALUE_PROVIDED = "etcdserver: value is provided";
    public static final String LEASE_PROVIDED = "etcdserver: lease is provided";
    public static final String TOO_MANY_OPS = "etcdserver: too many operations in txn request";
    public static final String DUPLICATE_KEY = "etcdserver: duplicate key given in txn request";

    private KvRequestChecks() {
    }

    /** What is wrong with {@code op}, in etcd's words, or {@code null} when it may be proposed. */
    public static String problem(KvOp op) {
        String problem = check(op, MAX_TXN_OPS);
        if (problem == null && op instanceof TxnRequest txn) {
            problem = duplicates(txn);
        }
        return problem;
    }

    /** The length of the longest key or range end {@code op} names (compares included), 0 if none. */
    public static int longestKey(KvOp op) {
        return switch (op) {
            case RangeRequest r -> longest(r.range());
            case PutRequest p -> p.key().length;
            case DeleteRangeRequest d -> longest(d.range());
            case TxnRequest t -> {
                int longest = 0;
                for (Compare compare : t.compare()) {
                    longest = Math.max(longest, longest(compare.range()));
                }
                for (KvOp nested : t.success()) {
                    longest = Math.max(longest, longestKey(nested));
                }
                for (KvOp nested : t.failure()) {
                    longest = Math.max(longest, longestKey(nested));
                }
                yield longest;
            }
        };
    }

    /** The length of the longest value {@code op} puts or compares against, 0 if none. */
    public static int longestValue(KvOp op) {
        return switch (op) {
            case RangeRequest r -> 0;
            case PutRequest p -> p.value().length;
            case DeleteRangeRequest d -> 0;
            case TxnRequest t -> {
                int longest = 0;
                for (Compare compare : t.compare()) {
                    longest = Math.max(longest, compare.value().length);
                }
                for (KvOp nested : t.success()) {
                    longest = Math.max(longest, longestValue(nested));
                }
                for (KvOp nested : t.failure()) {
                    longest = Math.max(longest, longestValue(nested));
                }
                yield longest;
            }
        };
    }

    /** Whether {@code op} puts a key, in any branch of any nested transaction: the writes that grow the data. */
    public static boolean puts(KvOp op) {
        return switch (op) {
            case PutRequest p -> true;
            case TxnRequest t -> t.success().stream().anyMatch(KvRequestChecks::puts)
                    || t.failure().stream().anyMatch(KvRequestChecks::puts);
            case RangeRequest r -> false;
            case DeleteRangeRequest d -> false;
        };
    }

    private static int longest(KeyRange range) {
        return Math.max(range.key().length, range.rangeEnd().length);
    }

    /**
     * The checks of one op, with the operations it may still hold: etcd counts a transaction as its
     * largest list (compares, success or failure), and a nested one gets what its parent left.
     */
    private static String check(KvOp op, int maxOps) {
        return switch (op) {
            case RangeRequest r -> r.range().key().length == 0 ? EMPTY_KEY : null;
            case PutRequest p -> {
                if (p.key().length == 0) {
                    yield EMPTY_KEY;
                }
                if (p.ignoreValue() && p.value().length != 0) {
                    yield VALUE_PROVIDED;
                }
                yield p.ignoreLease() && p.lease() != 0 ? LEASE_PROVIDED : null;
            }
            case DeleteRangeRequest d -> d.range().key().length == 0 ? EMPTY_KEY : null;
            case TxnRequest t -> {
                int ops = Math.max(t.compare().size(), Math.max(t.success().size(), t.failure().size()));
                if (ops > maxOps) {
                    yield TOO_MANY_OPS;
                }
                for (Compare compare : t.compare()) {
                    if (compare.range().key().length == 0) {
                        yield EMPTY_KEY;
                    }
                }
                String problem = checkAll(t.success(), maxOps - ops);
                yield problem != null ? problem : checkAll(t.failure(), maxOps - ops);
            }
        };
    }

    private static String checkAll(List<KvOp> ops, int maxOps) {
        for (KvOp op : ops) {
            String problem = check(op, maxOps);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String duplicates(TxnRequest txn) {
        try {
            writes(txn.success());
            writes(txn.failure());
            return null;
        } catch (DuplicateKey e) {
            return DUPLICATE_KEY;
        }
    }

    /** What one branch writes: the keys it puts and the ranges it deletes, nested branches included. */
    private record Writes(Set<Key> puts, List<KeyRange> deletes) {
        boolean deletes(byte[] key) {
            return deletes.stream().anyMatch(range -> range.contains(key));
        }
    }

    /** A key as a set member. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Bytes.equal(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Bytes.hash(bytes);
        }
    }

    private static final class DuplicateKey extends Exception {
        DuplicateKey() {
            super(null, null, false, false);
        }
    }

    /**
     * The writes of one branch, refusing a key put twice or put and deleted, as etcd's
     * {@code checkIntervals}: a nested transaction's two branches never both run, so they may put
     * the same key, but neither may touch what this branch puts or deletes.
     */
    private static Writes writes(List<KvOp> branch) throws DuplicateKey {
        List<KeyRange> deletes = new ArrayList<>();
        for (KvOp op : branch) {
            if (op instanceof DeleteRangeRequest delete) {
                deletes.add(delete.range());
            }
        }
        Writes writes = new Writes(new HashSet<>(), deletes);
        for (KvOp op : branch) {
            if (!(op instanceof TxnRequest nested)) {
                continue;
            }
            Writes then = writes(nested.success());
            Writes orElse = writes(nested.failure());
            for (Key key : then.puts()) {
                if (writes.puts().contains(key) || writes.deletes(key.bytes())) {
                    throw new DuplicateKey();
                }
                writes.puts().add(key);
            }
            for (Key key : orElse.puts()) {
                if (writes.puts().contains(key) && !then.puts().contains(key) || writes.deletes(key.bytes())) {
                    throw new DuplicateKey();
                }
                writes.puts().add(key);
            }
            deletes.addAll(then.deletes());
            deletes.addAll(orElse.deletes());
        }
        for (KvOp op : branch) {
            if (op instanceof PutRequest put) {
                Key key = new Key(put.key());
                if (!writes.puts().add(key) || writes.deletes(put.key())) {
                    throw new DuplicateKey();
                }
            }
        }
        return writes;
    }
}
