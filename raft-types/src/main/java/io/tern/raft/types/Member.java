package io.tern.raft.types;

import java.util.Objects;

/** A member of a Tern cluster: its id, the address it advertises, and whether it votes. */
public record Member(long id, String address, boolean voter) {
    public Member {
        if (id < 1) {
            throw new IllegalArgumentException("member id must be positive, was " + id);
        }
        Objects.requireNonNull(address, "address");
    }
}
