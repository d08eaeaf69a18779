package io.tern.engine.state;

/**
 * A CRC32C (Castagnoli, as etcd's) of the key history up to a revision, as etcd's HashKV reports it:
 * members that applied the same entries and compacted at the same revision get the same hash.
 *
 * @param hash            the CRC32C of every change with a revision at or below {@code hashRevision}
 *                        that history holds, in revision order
 * @param compactRevision the compaction revision when the hash was taken (history below it is gone,
 *                        except what compaction keeps of each key)
 * @param hashRevision    the revision the hash covers
 * @param currentRevision the applied index when the hash was taken
 */
public record KvHash(int hash, long compactRevision, long hashRevision, long currentRevision) {
}
