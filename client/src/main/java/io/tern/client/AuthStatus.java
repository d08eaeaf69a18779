package io.tern.client;

/**
 * Whether the cluster has authentication on, and the revision of the last change to its users, roles
 * or that switch (0 if none): from {@link AuthClient#status()}.
 */
public record AuthStatus(boolean enabled, long authRevision) {
}
