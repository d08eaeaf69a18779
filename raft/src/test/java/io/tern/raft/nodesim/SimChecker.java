package io.tern.raft.nodesim;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The safety properties, checked as they happen: every member applies the same entry at each index
 * (so a committed entry is never lost or changed), members' states agree at each index, at most one
 * leader per term, and each acknowledged proposal is the entry applied at its revision. The first
 * violation is kept for the simulation to report.
 */
final class SimChecker implements SimStorage.Observer {

    private record Applied(long term, String payload) {
    }

    private final Map<Long, Applied> entryAt = new HashMap<>();
    /** Every payload any member applied, and every one refused as appended nowhere (payloads are unique). */
    private final Set<String> appliedPayloads = new HashSet<>();
    private final Set<String> refusedPayloads = new HashSet<>();
    private final Map<Long, Long> digestAt = new HashMap<>();
    private final Map<Long, Long> leaderOf = new HashMap<>();
    private final SimTrace trace;
    private String violation;
    private long installs;

    SimChecker(SimTrace trace) {
        this.trace = trace;
    }

    String violation() {
        return violation;
    }

    long installs() {
        return installs;
    }

    private void violated(String what) {
        if (violation == null) {
            violation = what;
            trace.add("VIOLATION " + what);
        }
    }

    @Override
    public void applied(long member, LogEntry entry, SimState after) {
        Applied applied = new Applied(entry.term(), entry.kind() + ":" + Arrays.hashCode(entry.payload()) + ":"
                + new String(entry.payload(), java.nio.charset.StandardCharsets.ISO_8859_1));
        String payload = new String(entry.payload(), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (entry.kind() == EntryKind.COMMAND && appliedPayloads.add(payload) && refusedPayloads.contains(payload)) {
            violated("member " + member + " applied " + payload + " at index " + entry.index()
                    + ", which was refused as never appended");
        }
        Applied first = entryAt.putIfAbsent(entry.index(), applied);
        if (first != null && !first.equals(applied)) {
            violated("member " + member + " applied " + applied + " at index " + entry.index() + " where another applied "
                    + first);
        }
        agree(member, after);
        trace.add("m" + member + " applied " + entry.index() + "@" + entry.term());
    }

    @Override
    public void installed(long member, SimState state, long logFirst, long logLast) {
        installs++;
        agree(member, state);
        trace.add("m" + member + " installed snapshot " + state.appliedIndex() + "@" + state.appliedTerm() + " over log "
                + logFirst + ".." + logLast);
    }

    private void agree(long member, SimState state) {
        Long digest = digestAt.putIfAbsent(state.appliedIndex(), state.digest());
        if (digest != null && digest != state.digest()) {
            violated("member " + member + "'s state at index " + state.appliedIndex() + " differs from another's");
        }
    }

    void leader(long member, long term) {
        Long first = leaderOf.putIfAbsent(term, member);
        if (first == null) {
            trace.add("m" + member + " leads term " + term);
        } else if (first != member) {
            violated("members " + first + " and " + member + " both led term " + term);
        }
    }

    /** A proposal was answered as applied at {@code revision}: that must be the entry every member applies there. */
    void acknowledged(long revision, byte[] payload) {
        Applied applied = entryAt.get(revision);
        String expected = new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (applied == null || !applied.payload().endsWith(":" + expected)) {
            violated("the proposal " + expected + " was acknowledged at revision " + revision + " where " + applied
                    + " was applied");
        }
    }

    /** A proposal was refused as appended nowhere (NOT_LEADER): no member may ever apply it. */
    void refused(byte[] payload) {
        String refused = new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1);
        refusedPayloads.add(refused);
        if (appliedPayloads.contains(refused)) {
            violated("the proposal " + refused + " was refused as never appended, but was applied");
        }
    }

    /** A member failed for a reason the simulation did not inject. */
    void failed(long member, Throwable cause) {
        violated("member " + member + " failed: " + cause);
    }

    void check(boolean ok, String what) {
        if (!ok) {
            violated(what);
        }
    }
}
