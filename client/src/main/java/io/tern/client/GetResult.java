package io.tern.client;

/**
 * A GET's answer.
 *
 * @param revision the applied index the read observed
 * @param value    the value, or {@code null} when the key has none
 */
public record GetResult(long revision, byte[] value) {

    /** Whether the key had a value. */
    public boolean found() {
        return value != null;
    }
}
