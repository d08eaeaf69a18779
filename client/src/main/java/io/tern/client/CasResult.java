package io.tern.client;

/**
 * A CAS's answer. A mismatch is an answer, not an error: nothing was written.
 *
 * @param succeeded whether the write happened
 * @param revision  the write's revision on success; the revision the mismatch was observed at otherwise
 * @param current   on a mismatch, the value found ({@code null} if the key was absent); {@code null} on success
 */
public record CasResult(boolean succeeded, long revision, byte[] current) {
}
