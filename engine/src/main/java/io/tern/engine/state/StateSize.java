package io.tern.engine.state;

/**
 * How much room the state takes, as etcd's Status reports its database size.
 *
 * @param totalBytes its table files (of every version still referenced) plus what the memtables hold
 *                   until their next flush
 * @param liveBytes  RocksDB's estimate of the live data among them: what a full compaction would keep
 */
public record StateSize(long totalBytes, long liveBytes) {
}
