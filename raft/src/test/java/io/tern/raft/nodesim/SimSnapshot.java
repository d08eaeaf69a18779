package io.tern.raft.nodesim;

import io.tern.raft.types.Membership;
import io.tern.raft.types.StoredSnapshot;

import java.nio.ByteBuffer;

/** A simulated snapshot: the whole state of a {@link SimStateMachine} at one index. */
record SimSnapshot(SimState state) implements StoredSnapshot {

    @Override
    public long lastIncludedIndex() {
        return state.appliedIndex();
    }

    @Override
    public long lastIncludedTerm() {
        return state.appliedTerm();
    }

    @Override
    public Membership membership() {
        return state.membership();
    }

    @Override
    public long sizeBytes() {
        return encode().length;
    }

    byte[] encode() {
        byte[] members = state.membership().encode();
        return ByteBuffer.allocate(8 * 4 + 4 + members.length).putLong(state.appliedIndex()).putLong(state.appliedTerm())
                .putLong(state.digest()).putLong(state.commands()).putInt(members.length).put(members).array();
    }

    static SimSnapshot decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long index = in.getLong();
        long term = in.getLong();
        long digest = in.getLong();
        long commands = in.getLong();
        byte[] members = new byte[in.getInt()];
        in.get(members);
        return new SimSnapshot(new SimState(index, term, Membership.decode(members), digest, commands));
    }
}
