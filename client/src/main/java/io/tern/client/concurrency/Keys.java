package io.tern.client.concurrency;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The keys of the recipes, as etcd names them: {@code PREFIX/} and, per session, its lease id in hex. */
final class Keys {

    private Keys() {
    }

    /** {@code prefix} followed by "/", the range that holds a lock's or an election's keys. */
    static byte[] queuePrefix(byte[] prefix) {
        byte[] withSlash = Arrays.copyOf(prefix, prefix.length + 1);
        withSlash[prefix.length] = '/';
        return withSlash;
    }

    /** The session's key in the queue: the prefix and the lease id in hex (etcd's {@code %x}). */
    static byte[] sessionKey(byte[] queuePrefix, Session session) {
        byte[] id = Long.toHexString(session.leaseId()).getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(queuePrefix, queuePrefix.length + id.length);
        System.arraycopy(id, 0, key, queuePrefix.length, id.length);
        return key;
    }
}
