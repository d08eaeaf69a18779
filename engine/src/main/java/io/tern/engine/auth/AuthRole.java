package io.tern.engine.auth;

import io.tern.kv.Permission;
import java.util.List;
import java.util.Objects;

/** A role of the auth state: its permissions, at most one per range, sorted by range. */
public record AuthRole(String name, List<Permission> permissions) {

    public AuthRole {
        Objects.requireNonNull(name, "name");
        permissions = List.copyOf(permissions);
    }
}
