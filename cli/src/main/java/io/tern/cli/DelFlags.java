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
        KeyRange range = KeyRangeArguments.range(key, end, prefix, fromKey);
        return new DeleteRangeRequest(range, prevKv);
    }
}
