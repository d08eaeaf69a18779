package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.raft.core.Role;
import io.tern.server.metrics.MetricsEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-listen}: /metrics in Prometheus' text format with etcd's names, and /health, on a 3-member cluster. */
@Timeout(90)
class MetricsAndHealthTest {

    /** One sample line of Prometheus' text format: a name, optional labels, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private final List<MetricsEndpoint> endpoints = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stopAll() {
        endpoints.forEach(MetricsEndpoint::close);
        servers.forEach(TernServer::close);
    }

    private void startCluster() {
        SortedMap<Long, String> cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            TernServer server = TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, true));
            servers.add(server);
            endpoints.add(server.serveMetrics(new InetSocketAddress("127.0.0.1", 0)));
        }
    }

    private HttpResponse<String> get(int member, String path) throws IOException, InterruptedException {
        InetSocketAddress address = endpoints.get(member).address();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private int leader() {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).node().status().role() == Role.LEADER) {
                return i;
            }
        }
        return -1;
    }

    /** Every line of a scrape, checked against the text format; the samples by name with labels. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertEquals(4, parts.length, line);
                types.put(parts[2], parts[3]);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), "not a Prometheus sample line: " + line);
                samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                        Double.parseDouble(sample.group(3).replace("+Inf", "Infinity")));
            }
        }
        samples.put("TYPE etcd_disk_wal_fsync_duration_seconds=histogram",
                "histogram".equals(types.get("etcd_disk_wal_fsync_duration_seconds")) ? 1.0 : 0.0);
        return samples;
    }

    private Map<String, Double> scrape(int member) throws IOException, InterruptedException {
        HttpResponse<String> response = get(member, "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
        return parse(response.body());
    }

    private static double value(Map<String, Double> samples, String name) {
        Double value = samples.get(name);
        assertNotNull(value, name + " is missing among " + samples.keySet().stream().sorted().toList());
        return value;
    }

    private void awaitHealthy() throws InterruptedException {
        TestServers.await("every member healthy", Duration.ofSeconds(20), () -> {
            for (int i = 0; i < servers.size(); i++) {
                try {
                    if (get(i, "/health").statusCode() != 200) {
                        return false;
                    }
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return true;
        });
    }

    @Test
    void metricsCarryEtcdsNamesWithPlausibleValuesAndEveryMemberIsHealthy() throws Exception {
        startCluster();
        awaitHealthy();
        for (int i = 0; i < servers.size(); i++) {
            HttpResponse<String> health = get(i, "/health");
            assertEquals("{\"health\":\"true\"}", health.body());
            assertEquals("application/json", health.headers().firstValue("Content-Type").orElse(""));
        }
        int leader = leader();
        Map<String, Double> before = scrape(leader);
        int writes = 20;
        try (RawConnection client = new RawConnection(servers.get(leader).boundAddress())) {
            for (int i = 0; i < writes; i++) {
                assertInstanceOf(Response.PutOk.class, client.call(new Request.Put(i + 1, ("k" + i).getBytes(),
                        "v".getBytes())));
            }
        }
        Map<String, Double> after = scrape(leader);
        assertEquals(1.0, value(after, "etcd_server_has_leader"));
        assertEquals(1.0, value(after, "etcd_server_is_leader"));
        assertTrue(value(after, "etcd_server_leader_changes_seen_total") >= 1);
        assertTrue(value(after, "etcd_server_proposals_committed_total")
                >= value(before, "etcd_server_proposals_committed_total") + writes, "the commit index grew");
        assertTrue(value(after, "etcd_server_proposals_applied_total")
                >= value(before, "etcd_server_proposals_applied_total") + writes);
        assertEquals(0.0, value(after, "etcd_server_proposals_pending"));
        assertEquals(0.0, value(after, "etcd_server_proposals_failed_total"));
        assertEquals(1.0, value(after, "TYPE etcd_disk_wal_fsync_duration_seconds=histogram"));
        assertTrue(value(after, "etcd_disk_wal_fsync_duration_seconds_count") > 0);
        assertTrue(value(after, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"}") > 0);
        assertTrue(value(after, "etcd_disk_backend_commit_duration_seconds_count") > 0);
        assertTrue(value(after, "etcd_mvcc_db_total_size_in_bytes") > 0);
        assertEquals(value(after, "tern_raft_applied_index"), value(after, "etcd_debugging_mvcc_current_revision"));
        assertEquals(writes, value(after, "tern_request_duration_seconds_count{op=\"PUT\",status=\"OK\"}"));
        assertTrue(value(after, "tern_raft_commit_index") >= writes);
        assertTrue(value(after, "tern_log_entries") >= writes);
        assertTrue(after.containsKey("tern_rocksdb_pending_compaction_bytes"));
        assertTrue(value(after, "tern_open_connections") >= 2, "at least the two followers' connections");
        assertTrue(after.keySet().stream().anyMatch(name -> name.startsWith("jvm_gc_")), "the JVM's meters");

        int follower = (leader + 1) % servers.size();
        Map<String, Double> seenByFollower = scrape(follower);
        assertEquals(1.0, value(seenByFollower, "etcd_server_has_leader"));
        assertEquals(0.0, value(seenByFollower, "etcd_server_is_leader"));
        try (RawConnection client = new RawConnection(servers.get(follower).boundAddress())) {
            assertInstanceOf(Response.PutOk.class, client.call(new Request.Put(99, "f".getBytes(), "v".getBytes())));
            Map<String, Double> afterPut = scrape(follower);
            assertEquals(1.0, value(afterPut, "tern_forwarded_proposals_total"), "the put went over the members' channel");
            assertEquals(0.0, value(afterPut, "tern_forwarded_requests_total"));
            // A lease grant is the leader's: relayed as a client's request.
            assertInstanceOf(LeaseResponses.Granted.class, client.call(new LeaseRequests.Grant(100, 0, 60)));
        }
        assertEquals(1.0, value(scrape(follower), "tern_forwarded_requests_total"));

        assertEquals(404, get(leader, "/nothing").statusCode());
        assertEquals(404, get(leader, "/metricsX").statusCode());
    }

    @Test
    void theLeadersStatusShowsEachFollowersLagAndLastContact() throws Exception {
        startCluster();
        awaitHealthy();
        int leader = leader();
        // Healthy needs a quorum: the other follower's first acknowledgement may still be on its way.
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        TestServers.await("the leader to have heard from both followers", Duration.ofSeconds(20), () -> {
            try (RawConnection client = new RawConnection(servers.get(leader).boundAddress())) {
                seen.set(JSON.readTree(assertInstanceOf(Response.StatusOk.class,
                        client.call(new Request.Status(1))).json()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            JsonNode followers = seen.get().get("followers");
            return followers.size() == 2 && followers.get(0).get("matchIndex").asLong() > 0
                    && followers.get(1).get("matchIndex").asLong() > 0;
        });
        JsonNode status = seen.get();
        assertTrue(status.get("healthy").asBoolean(), status.toString());
        assertTrue(status.get("healthReason").isNull());
        assertTrue(status.get("leaderContactMs").isNull(), "a leader has no leader to hear from");
        JsonNode followers = status.get("followers");
        assertEquals(2, followers.size(), status.toString());
        for (JsonNode follower : followers) {
            assertTrue(follower.get("lag").asLong() >= 0);
            assertTrue(follower.get("lastContactMs").asLong() <= 1_000, "heard within the election timeout: " + follower);
        }
        int other = (leader + 1) % servers.size();
        try (RawConnection client = new RawConnection(servers.get(other).boundAddress())) {
            JsonNode own = JSON.readTree(assertInstanceOf(Response.StatusOk.class,
                    client.call(new Request.Status(2))).json());
            assertTrue(own.get("leaderContactMs").asLong() <= 1_000, own.toString());
            assertEquals(0, own.get("followers").size());
        }
    }

    @Test
    void aMemberThatLostItsQuorumIsUnhealthyWithAReason() throws Exception {
        startCluster();
        awaitHealthy();
        int survivor = leader();
        for (int i = 0; i < servers.size(); i++) {
            if (i != survivor) {
                servers.get(i).close();
            }
        }
        TestServers.await("the survivor unhealthy", Duration.ofSeconds(20), () -> {
            try {
                return get(survivor, "/health").statusCode() == 503;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        JsonNode body = JSON.readTree(get(survivor, "/health").body());
        assertEquals("false", body.get("health").asText());
        String reason = body.get("reason").asText();
        assertFalse(reason.isBlank());
        assertTrue(reason.equals("no quorum answered within the election timeout") || reason.equals("no leader")
                || reason.equals("the leader was not heard from within the election timeout"), reason);
    }

    @Test
    void aMetricsPortInUseIsRefusedWithOneLine() throws Exception {
        TernServer server = TernServer.start(TestServers.single(data.resolve("single")));
        servers.add(server);
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ServerStartException refused = assertThrows(ServerStartException.class,
                    () -> server.serveMetrics(new InetSocketAddress("127.0.0.1", taken.getLocalPort())));
            assertEquals("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": the address is already in use",
                    refused.getMessage());
        }
    }
}
