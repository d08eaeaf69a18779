package io.tern.engine.state;

/**
 * A CRC32C of every key and value of the state, metadata included, as etcd's Hash reports the hash of
 * its whole database: members at the same applied index have the same one.
 *
 * @param hash         the CRC32C, in key order
 * @param appliedIndex the applied index of the state it covers
 */
public record StateHash(int hash, long appliedIndex) {
}
