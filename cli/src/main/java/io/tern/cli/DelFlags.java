package io.tern.cli;

import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import picocli.CommandLine.Option;

/** etcdctl's delete options, shared by {@code tern del} and the {@code del} operations of {@code tern txn}. */
public final class DelFlags {

    @Option(names = "--prefix", description = "Every key that starts with KEY.")
    boolean prefix;

    @Option(names = "--from-key", description = "Every key from KEY on (in byte order).")
    boolean fromKey;

    @Option(names = "--prev-kv", description = "Print the deleted keys and their values.")
    boolean prevKv;

    boolean any() {
        return prefix || fromKey || prevKv;
    }

    /** The delete these options ask for; {@code end} is {@code null} when none was given. */
    DeleteRangeRequest toRequest(String key, String end) {
        if (prefix && fromKey) {
            throw new IllegalArgumentException("--prefix and --from-key exclude each other");
        }
        if (end != null && (prefix || fromKey)) {
            throw new IllegalArgumentException("a RANGE_END cannot go with " + (prefix ? "--prefix" : "--from-key"));
        }
        byte[] start = Values.utf8(key);
        KeyRange range;
        if (prefix) {
            range = KeyRange.prefix(start);
        } else if (fromKey) {
            range = new KeyRange(start.length == 0 ? KeyRange.TO_THE_END : start, KeyRange.TO_THE_END);
        } else if (end != null) {
            range = new KeyRange(start, Values.utf8(end));
        } else {
            range = KeyRange.single(start);
        }
        return new DeleteRangeRequest(range, prevKv);
    }
}
