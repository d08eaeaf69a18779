package io.tern.raft.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The simulation's state-machine command: put {@code value} under {@code key}; {@code opId} makes every write unique. */
record KvCommand(long opId, String key, String value) {

    byte[] encode() {
        return (opId + "|" + key + "|" + value).getBytes(UTF_8);
    }

    static KvCommand decode(byte[] bytes) {
        String[] parts = new String(bytes, UTF_8).split("\\|", 3);
        return new KvCommand(Long.parseLong(parts[0]), parts[1], parts[2]);
    }
}
