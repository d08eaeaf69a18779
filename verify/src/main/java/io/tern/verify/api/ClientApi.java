package io.tern.verify.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which API a run's clients speak to the cluster ({@code --api}): Tern's native protocol through
 * {@code TernClient}, or etcd's v3 gRPC API through jetcd. The workloads and checkers are the same;
 * only the {@link ApiClient} differs.
 */
public enum ClientApi {
    NATIVE, ETCD;

    /** Its {@code --api} name. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException with a one-line reason for a name that is not an API
     */
    public static ClientApi parse(String text) {
        for (ClientApi api : values()) {
            if (api.flagName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return api;
            }
        }
        throw new IllegalArgumentException("unknown API '" + text + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(ClientApi::flagName).toList()));
    }
}
