package io.tern.etcd;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.etcd.api.EtcdServerPb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Maintenance.Snapshot call: a {@link SnapshotBackup} sent piece by piece, each message saying
 * how many bytes remain after it, as fast as the client reads and no faster: a piece is read from
 * the snapshot only while gRPC says the call is ready for more, and the rest waits for its next
 * onReady. So one call holds about one piece in memory, however large the snapshot.
 *
 * <p>The handlers are set when the call starts ({@link #of}), before the backup exists (a snapshot is
 * taken first); {@link #send} starts the pumping, {@link #fail} ends the call instead. Pumping runs on
 * the gateway's threads, one pump at a time.
 */
final class BackupStream {

    private static final Logger log = LoggerFactory.getLogger(BackupStream.class);

    private final ServerCallStreamObserver<EtcdServerPb.SnapshotResponse> call;
    private SnapshotBackup.Writer backup;
    private EtcdServerPb.ResponseHeader header;
    private boolean finished;

    private BackupStream(ServerCallStreamObserver<EtcdServerPb.SnapshotResponse> call) {
        this.call = call;
    }

    /** Takes over {@code call}: must be called before the service method returns. */
    static BackupStream of(ServerCallStreamObserver<EtcdServerPb.SnapshotResponse> call) {
        BackupStream stream = new BackupStream(call);
        call.setOnReadyHandler(stream::pump);
        call.setOnCancelHandler(stream::cancelled);
        return stream;
    }

    /**
     * Sends {@code backup}; its first message carries {@code header} (the point in time of the
     * snapshot, as etcd 3.6 says). Closes it when done or cancelled.
     */
    void send(SnapshotBackup.Writer backup, EtcdServerPb.ResponseHeader header) {
        synchronized (this) {
            this.backup = backup;
            this.header = header;
            if (finished) {
                backup.close(); // cancelled while the snapshot was taken
                return;
            }
        }
        pump();
    }

    /** Ends the call with {@code error} instead of a backup. */
    synchronized void fail(StatusRuntimeException error) {
        if (!finished) {
            finished = true;
            call.onError(error);
        }
    }

    private synchronized void pump() {
        if (finished || backup == null) {
            return;
        }
        try {
            while (backup.hasNext() && call.isReady()) {
                byte[] piece = backup.next();
                EtcdServerPb.SnapshotResponse.Builder message = EtcdServerPb.SnapshotResponse.newBuilder()
                        .setRemainingBytes(backup.remainingBytes()).setBlob(UnsafeByteOperations.unsafeWrap(piece));
                if (header != null) {
                    message.setHeader(header);
                    header = null;
                }
                call.onNext(message.build());
            }
            if (!backup.hasNext()) {
                finished = true;
                backup.close();
                call.onCompleted();
            }
        } catch (RuntimeException e) {
            log.warn("sending a backup of snapshot {} failed: {}", backup.snapshotIndex(), e.toString());
            finished = true;
            backup.close();
            call.onError(EtcdErrors.unknown(e.getMessage()));
        }
    }

    private synchronized void cancelled() {
        finished = true;
        if (backup != null) {
            backup.close();
        }
    }
}
