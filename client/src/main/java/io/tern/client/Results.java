package io.tern.client;

import io.tern.client.protocol.Response;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Turns a node's successful answers into what a {@link TernClient} call returns, and remembers the
 * highest revision any of them carried (for read-your-writes). Failures never get here: {@link Call}
 * maps those to exceptions. An answer of another kind than the request's is a bug on either side
 * (the codec decodes by the request's opcode), so it becomes a {@link ServerErrorException}.
 */
final class Results {

    private final AtomicLong lastSeenRevision = new AtomicLong();

    // Built once: a method reference bound to this would otherwise be allocated per call.
    final Function<Response, GetResult> get = this::getResult;
    final Function<Response, Long> put = this::putResult;
    final Function<Response, DeleteResult> delete = this::deleteResult;
    final Function<Response, CasResult> cas = this::casResult;
    final Function<Response, ScanResult> scan = this::scanResult;
    final Function<Response, Long> batch = this::batchResult;
    final Function<Response, Long> member = this::memberResult;
    final Function<Response, Long> alarm = this::alarmResult;
    final Function<Response, Long> snapshot = Results::snapshotIndex;
    final Function<Response, String> status = Results::statusJson;
    final Function<Response, Void> ping = response -> expect(response, Response.PingOk.class);
    final Function<Response, Void> transfer = response -> expect(response, Response.TransferOk.class);

    /** The highest revision any answer carried; 0 before any. */
    long lastSeenRevision() {
        return lastSeenRevision.get();
    }

    /** Records {@code revision} as seen and returns it. */
    long seen(long revision) {
        long known;
        while (revision > (known = lastSeenRevision.get())) {
            if (lastSeenRevision.compareAndSet(known, revision)) {
                break;
            }
        }
        return revision;
    }

    private GetResult getResult(Response response) {
        return switch (response) {
            case Response.GetOk ok -> new GetResult(seen(ok.revision()), ok.value());
            case Response.NotFound notFound -> new GetResult(seen(notFound.revision()), null);
            default -> throw unexpected(response);
        };
    }

    private Long putResult(Response response) {
        if (response instanceof Response.PutOk ok) {
            return seen(ok.revision());
        }
        throw unexpected(response);
    }

    private DeleteResult deleteResult(Response response) {
        if (response instanceof Response.DeleteOk ok) {
            return new DeleteResult(seen(ok.revision()), ok.existed());
        }
        throw unexpected(response);
    }

    private CasResult casResult(Response response) {
        return switch (response) {
            case Response.CasOk ok -> new CasResult(true, seen(ok.revision()), null);
            case Response.CasMismatch mismatch -> new CasResult(false, seen(mismatch.revision()), mismatch.current());
            default -> throw unexpected(response);
        };
    }

    private ScanResult scanResult(Response response) {
        if (response instanceof Response.ScanOk ok) {
            return new ScanResult(seen(ok.revision()), ok.entries(), ok.more());
        }
        throw unexpected(response);
    }

    private Long batchResult(Response response) {
        if (response instanceof Response.BatchOk ok) {
            return seen(ok.revision());
        }
        throw unexpected(response);
    }

    private Long memberResult(Response response) {
        return switch (response) {
            case Response.MemberAddOk ok -> seen(ok.revision());
            case Response.MemberRemoveOk ok -> seen(ok.revision());
            case Response.MemberPromoteOk ok -> seen(ok.revision());
            default -> throw unexpected(response);
        };
    }

    private Long alarmResult(Response response) {
        if (response instanceof Response.AlarmOk ok) {
            return seen(ok.revision());
        }
        throw unexpected(response);
    }

    private static Long snapshotIndex(Response response) {
        if (response instanceof Response.SnapshotOk ok) {
            return ok.snapshotIndex();
        }
        throw unexpected(response);
    }

    private static String statusJson(Response response) {
        if (response instanceof Response.StatusOk ok) {
            return ok.json();
        }
        throw unexpected(response);
    }

    private static Void expect(Response response, Class<? extends Response> type) {
        if (type.isInstance(response)) {
            return null;
        }
        throw unexpected(response);
    }

    static ServerErrorException unexpected(Response response) {
        return new ServerErrorException("unexpected answer " + response);
    }
}
