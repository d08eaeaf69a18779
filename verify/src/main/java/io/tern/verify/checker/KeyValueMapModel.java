package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Several keys at once, for keys that BATCHes and TXNs tie together: each changes (or, for a txn,
 * checks) all its keys in one step, which per-key registers cannot express. Single-key calls follow {@link RegisterModel}.
 */
public final class KeyValueMapModel implements Model<KeyValueState> {

    private final List<String> keys;
    private final Map<String, Integer> indexOfKey = new HashMap<>();

    public KeyValueMapModel(List<String> keys) {
        this.keys = List.copyOf(keys);
        for (int i = 0; i < this.keys.size(); i++) {
            indexOfKey.put(this.keys.get(i), i);
        }
    }

    @Override
    public KeyValueState initialState() {
        return KeyValueState.allAbsent(keys.size());
    }

    @Override
    public Optional<KeyValueState> step(KeyValueState state, Call call, Outcome outcome) {
        if (call instanceof Call.Batch batch) {
            // A batch observes nothing, so it is possible from every state, known outcome or not.
            return Optional.of(written(state, batch.writes()));
        }
        if (call instanceof Call.Txn txn) {
            return txn(state, txn, outcome);
        }
        int key = index(call.keys().getFirst());
        return RegisterModel.next(new Register(state.get(key)), call, outcome)
                .map(register -> state.with(key, register.value()));
    }

    @Override
    public boolean neverChangesState(Call call, Outcome outcome) {
        return RegisterModel.isPureObservation(call, outcome);
    }

    @Override
    public boolean dependsOnState(Call call, Outcome outcome) {
        return RegisterModel.isConditionalWrite(call, outcome);
    }

    @Override
    public String describe(KeyValueState state) {
        return state.describe(keys);
    }

    private Optional<KeyValueState> txn(KeyValueState state, Call.Txn txn, Outcome outcome) {
        boolean guardsHold = txn.guards().stream()
                .allMatch(guard -> Objects.equals(state.get(index(guard.key())), guard.expected()));
        return switch (outcome) {
            case Outcome.Written written -> guardsHold ? Optional.of(written(state, txn.writes())) : Optional.empty();
            case Outcome.GuardsFailed(Map<String, String> found) -> !guardsHold && txn.guards().stream()
                    .allMatch(guard -> Objects.equals(state.get(index(guard.key())), found.get(guard.key())))
                    ? Optional.of(state)
                    : Optional.empty();
            // Either its guards held and it wrote, or they did not and it changed nothing.
            case Outcome.Unknown unknown -> Optional.of(guardsHold ? written(state, txn.writes()) : state);
            default -> Optional.empty();
        };
    }

    private KeyValueState written(KeyValueState state, List<Call.BatchWrite> writes) {
        KeyValueState after = state;
        for (Call.BatchWrite write : writes) {
            after = after.with(index(write.key()), write.value());
        }
        return after;
    }

    private int index(String key) {
        Integer index = indexOfKey.get(key);
        if (index == null) {
            throw new IllegalArgumentException("key " + key + " is not one of " + keys);
        }
        return index;
    }
}
