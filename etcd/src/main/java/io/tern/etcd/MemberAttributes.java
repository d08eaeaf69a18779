package io.tern.etcd;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.platform.tls.ClientTls;
import io.tern.raft.types.Member;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What etcd calls a member's attributes, its name and client URLs, for every member of the cluster:
 * a Tern member knows the others only by their native addresses, so this asks each one's STATUS
 * ({@code etcdClientUrl}) through the native client, the way any tool learns about a member.
 *
 * <p>A member that has answered is started, named {@code tern-<id>}, with its client URL (none
 * if it serves no etcd API). A member that has never answered is listed as etcd lists a member that
 * has not started yet: no name, no client URLs. Answers are kept; one older than
 * {@link #FRESH_FOR} is served as it is while it is asked again, so a member that has gone away
 * keeps the attributes it had (as etcd keeps those a member published), and a member that moved its
 * etcd address shows the new one a moment later. A new member, or one at a new native address, is
 * asked at once, and the answer waits for it (at most {@link #ASK_TIMEOUT}).
 */
final class MemberAttributes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemberAttributes.class);
    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    /** One member's attributes as etcd's Member carries them. */
    record Attributes(String name, List<String> clientUrls) {
        static final Attributes UNSTARTED = new Attributes("", List.of());

        static Attributes started(long id, String clientUrl) {
            return new Attributes("tern-" + id, clientUrl == null ? List.of() : List.of(clientUrl));
        }
    }

    /** An answer, for the member at {@code address} (a member moved to another address is asked again). */
    private record Known(String address, Attributes attributes, long askedAtNanos) {
    }

    private final long selfId;
    private final Supplier<String> ownClientUrl;
    private final LongSupplier clock;
    private final TernClient client;
    private final Map<Long, Known> known = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Attributes>> asking = new ConcurrentHashMap<>();

    /**
     * @param selfAddress  this member's native address: the client needs one endpoint, and asks only
     *                     the ones each call names
     * @param ownClientUrl where this member serves etcd's API now
     * @param tls          how the member's own clients dial members (its peer credentials), or null
     */
    MemberAttributes(long selfId, String selfAddress, Supplier<String> ownClientUrl, ClientTls tls) {
        this(selfId, ownClientUrl, System::nanoTime, TernClient.builder().endpoints(List.of(selfAddress)).tls(tls)
                .discoverLeader(false).connectionsPerEndpoint(1).connectTimeout(ASK_TIMEOUT).requestTimeout(ASK_TIMEOUT)
                .build());
    }

    MemberAttributes(long selfId, Supplier<String> ownClientUrl, LongSupplier clock, TernClient client) {
        this.selfId = selfId;
        this.ownClientUrl = ownClientUrl;
        this.clock = clock;
        this.client = client;
    }

    /** The attributes of each of {@code members}, in their order; never fails. */
    CompletableFuture<Map<Long, Attributes>> of(List<Member> members) {
        known.keySet().retainAll(members.stream().map(Member::id).toList());
        Map<Long, CompletableFuture<Attributes>> answers = new LinkedHashMap<>();
        for (Member member : members) {
            answers.put(member.id(), attributesOf(member));
        }
        return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<Long, Attributes> attributes = new LinkedHashMap<>();
            answers.forEach((id, answer) -> attributes.put(id, answer.join()));
            return attributes;
        });
    }

    private CompletableFuture<Attributes> attributesOf(Member member) {
        if (member.id() == selfId) {
            return CompletableFuture.completedFuture(Attributes.started(selfId, ownClientUrl.get()));
        }
        Known last = known.get(member.id());
        if (last != null && last.address().equals(member.address())) {
            if (clock.getAsLong() - last.askedAtNanos() > FRESH_FOR.toNanos()) {
                ask(member);
            }
            return CompletableFuture.completedFuture(last.attributes());
        }
        return ask(member);
    }

    /** Asks {@code member}, once at a time; completes with what is known after its answer or its silence. */
    private CompletableFuture<Attributes> ask(Member member) {
        long id = member.id();
        CompletableFuture<Attributes> answer = new CompletableFuture<>();
        CompletableFuture<Attributes> alreadyAsking = asking.putIfAbsent(id, answer);
        if (alreadyAsking != null) {
            return alreadyAsking;
        }
        long askedAt = clock.getAsLong();
        client.statusAsync(member.address()).orTimeout(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((json, error) -> {
                    Optional<Attributes> heard = error == null ? parse(member, json) : Optional.empty();
                    if (heard.isPresent()) {
                        known.put(id, new Known(member.address(), heard.get(), askedAt));
                    } else {
                        log.debug("member {} at {} did not tell its etcd client URL: {}", id, member.address(),
                                error == null ? "it answered as another member" : error.toString());
                    }
                    asking.remove(id, answer);
                    Known last = known.get(id);
                    answer.complete(heard.orElse(last != null && last.address().equals(member.address())
                            ? last.attributes() : Attributes.UNSTARTED));
                });
        return answer;
    }

    private static Optional<Attributes> parse(Member member, String json) {
        try {
            ServerStatus status = ServerStatus.parse(json);
            return status.id() == member.id() ? Optional.of(Attributes.started(member.id(), status.etcdClientUrl()))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
