package io.tern.verify.checker;

import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several keys at once, for keys that BATCHes tie together: a batch changes all its keys in one
 * step, which per-key registers cannot express. Single-key calls follow {@link RegisterModel}.
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
            KeyValueState after = state;
            for (Call.BatchWrite write : batch.writes()) {
                after = after.with(index(write.key()), write.value());
            }
            return Optional.of(after);
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

    private int index(String key) {
        Integer index = indexOfKey.get(key);
        if (index == null) {
            throw new IllegalArgumentException("key " + key + " is not one of " + keys);
        }
        return index;
    }
}
