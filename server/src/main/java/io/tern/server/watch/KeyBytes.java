package io.tern.server.watch;

import io.tern.kv.Bytes;

/** A key as a hash-map key: byte arrays compare by identity otherwise. */
record KeyBytes(byte[] bytes) {

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyBytes k && Bytes.equal(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Bytes.hash(bytes);
    }
}
