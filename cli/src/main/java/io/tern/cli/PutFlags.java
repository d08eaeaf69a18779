package io.tern.cli;

import io.tern.kv.PutRequest;
import picocli.CommandLine.Option;

/** etcdctl's put options, shared by {@code tern put} and the {@code put} operations of {@code tern txn}. */
public final class PutFlags {

    @Option(names = "--lease", paramLabel = "ID", description = "Attach the key to lease ID (hex, as etcdctl prints ids).")
    String lease;

    @Option(names = "--prev-kv", description = "Print the key as it was before.")
    boolean prevKv;

    @Option(names = "--ignore-value", description = "Keep the key's current value (give no VALUE).")
    boolean ignoreValue;

    @Option(names = "--ignore-lease", description = "Keep the key's current lease.")
    boolean ignoreLease;

    boolean any() {
        return lease != null || prevKv || ignoreValue || ignoreLease;
    }

    /**
     * The put these options ask for.
     *
     * @param value the value, or {@code null} when none was given (required unless --ignore-value)
     * @throws IllegalArgumentException with a one-line message for options that do not fit
     */
    PutRequest toRequest(String key, String value) {
        if (ignoreValue && value != null) {
            throw new IllegalArgumentException("--ignore-value takes no VALUE");
        }
        if (!ignoreValue && value == null) {
            throw new IllegalArgumentException("a VALUE is needed (or --ignore-value)");
        }
        if (ignoreLease && lease != null) {
            throw new IllegalArgumentException("--ignore-lease and --lease exclude each other");
        }
        return new PutRequest(Values.utf8(key), value == null ? new byte[0] : Values.utf8(value), leaseId(),
                prevKv, ignoreValue, ignoreLease);
    }

    private long leaseId() {
        if (lease == null) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(lease.startsWith("0x") ? lease.substring(2) : lease, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad lease ID " + lease + " (hex, as etcdctl prints it)");
        }
    }
}
