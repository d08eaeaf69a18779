package io.tern.engine.state;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random commands and reads for the key model's property tests, over a few keys chosen to exercise
 * the index's escaping (empty, zero bytes, prefixes of each other, 0xff) so that ranges, history and
 * leases meet the same keys often.
 */
final class KvCommands {

    static final byte[][] KEYS = {
            {}, {0}, {0, 0}, {'a'}, {'a', 0}, {'a', 0, 'b'}, {'a', 0, 0}, {'a', 'b'}, {'b'}, {'b', (byte) 0xff},
            {(byte) 0xff}, {'c', 'c', 'c'},
    };
    static final long MAX_LEASE = 6;

    private final Random random;

    KvCommands(Random random) {
        this.random = random;
    }

    /** A command for the entry at {@code index}, given what the model holds. */
    Command command(KvModel model, long index) {
        int pick = random.nextInt(100);
        if (pick < 12) {
            return new Command.Put(key(), value());
        } else if (pick < 18) {
            return new Command.Delete(key());
        } else if (pick < 24) {
            byte[] key = key();
            var current = model.current().get(key);
            byte[] expected = random.nextInt(3) > 0 && current != null ? current.value()
                    : random.nextBoolean() ? null : value();
            return new Command.CompareAndSet(key, expected, random.nextInt(4) == 0 ? null : value());
        } else if (pick < 31) {
            List<Command.BatchOp> ops = new ArrayList<>();
            for (int i = random.nextInt(5); i >= 0; i--) {
                ops.add(random.nextInt(3) == 0 ? new Command.Delete(key()) : new Command.Put(key(), value()));
            }
            return new Command.Batch(ops);
        } else if (pick < 52) {
            return new Command.Kv(put(model));
        } else if (pick < 59) {
            return new Command.Kv(new DeleteRangeRequest(range(), random.nextBoolean()));
        } else if (pick < 78) {
            return new Command.Kv(txn(model, index, 0));
        } else if (pick < 81) {
            return new Command.Kv(range(model.compacted(), index));
        } else if (pick < 89) {
            return new Command.LeaseGrant(random.nextLong(MAX_LEASE + 1), 1 + random.nextInt(100));
        } else if (pick < 94) {
            return new Command.LeaseRevoke(random.nextLong(MAX_LEASE + 1));
        } else {
            return new Command.Compact(Math.max(0, model.compacted() - 1 + random.nextLong(index - model.compacted() + 2)));
        }
    }

    /** A range read at a revision from a little below {@code compacted} to a little above {@code current}. */
    RangeRequest range(long compacted, long current) {
        long revision = random.nextInt(3) == 0 ? 0
                : Math.max(0, compacted - 1 + random.nextLong(Math.max(1, current - compacted + 3)));
        RangeRequest request = RangeRequest.of(range()).atRevision(revision);
        if (random.nextInt(3) == 0) {
            request = request.withLimit(1 + random.nextInt(4));
        }
        if (random.nextInt(3) == 0) {
            request = request.sortedBy(SortTarget.values()[random.nextInt(SortTarget.values().length)],
                    SortOrder.values()[random.nextInt(SortOrder.values().length)]);
        }
        if (random.nextInt(5) == 0) {
            request = request.keysOnly(true);
        }
        if (random.nextInt(8) == 0) {
            request = request.countOnly(true);
        }
        if (random.nextInt(5) == 0) {
            request = request.modRevisions(bound(current), bound(current));
        }
        if (random.nextInt(5) == 0) {
            request = request.createRevisions(bound(current), bound(current));
        }
        return request;
    }

    KeyRange range() {
        return switch (random.nextInt(6)) {
            case 0, 1 -> KeyRange.single(key());
            case 2 -> KeyRange.prefix(key());
            case 3 -> KeyRange.all();
            case 4 -> new KeyRange(key(), KeyRange.TO_THE_END);
            default -> new KeyRange(key(), key());
        };
    }

    byte[] key() {
        return KEYS[random.nextInt(KEYS.length)].clone();
    }

    byte[] value() {
        if (random.nextInt(10) == 0) {
            byte[] big = new byte[random.nextInt(300)];
            random.nextBytes(big);
            return big;
        }
        return ("v" + random.nextInt(5)).getBytes();
    }

    long maxBytes() {
        return switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 40;
            default -> Long.MAX_VALUE;
        };
    }

    private long bound(long current) {
        return random.nextBoolean() ? 0 : random.nextLong(current + 2);
    }

    private PutRequest put(KvModel model) {
        long lease = switch (random.nextInt(5)) {
            case 0, 1 -> 0;
            case 2, 3 -> model.leases().isEmpty() ? 0
                    : List.copyOf(model.leases().keySet()).get(random.nextInt(model.leases().size()));
            default -> 1 + random.nextLong(MAX_LEASE);
        };
        boolean ignoreLease = random.nextInt(8) == 0;
        return new PutRequest(key(), value(), ignoreLease ? 0 : lease, random.nextBoolean(), random.nextInt(8) == 0,
                ignoreLease);
    }

    private TxnRequest txn(KvModel model, long index, int depth) {
        List<Compare> compares = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            compares.add(compare(index));
        }
        return new TxnRequest(compares, ops(model, index, depth), ops(model, index, depth));
    }

    private List<KvOp> ops(KvModel model, long index, int depth) {
        List<KvOp> ops = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            ops.add(switch (random.nextInt(depth < 2 ? 5 : 4)) {
                case 0 -> range(model.compacted(), index);
                case 1, 2 -> put(model);
                case 3 -> new DeleteRangeRequest(range(), random.nextBoolean());
                default -> txn(model, index, depth + 1);
            });
        }
        return ops;
    }

    private Compare compare(long index) {
        KeyRange range = random.nextInt(4) == 0 ? range() : KeyRange.single(key());
        Compare.Result result = Compare.Result.values()[random.nextInt(Compare.Result.values().length)];
        Compare.Target target = Compare.Target.values()[random.nextInt(Compare.Target.values().length)];
        return switch (target) {
            case VALUE -> new Compare(range, target, result, 0, value());
            case VERSION -> new Compare(range, target, result, random.nextInt(4), new byte[0]);
            case LEASE -> new Compare(range, target, result, random.nextLong(MAX_LEASE + 1), new byte[0]);
            case CREATE, MOD -> new Compare(range, target, result, random.nextLong(index + 1), new byte[0]);
        };
    }
}
