package io.tern.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The fields of a node's STATUS json that the process tests look at (contract section 2).
 *
 * @param leaderId 0 when the node knows no leader (the json holds null)
 */
record NodeStatus(long id, String role, long term, long leaderId, String leaderAddress, long commitIndex,
                  long appliedIndex, long snapshotIndex, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static NodeStatus parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new NodeStatus(required(node, "id").asLong(), required(node, "role").asText(),
                    required(node, "term").asLong(), node.path("leaderId").asLong(0),
                    node.path("leaderAddress").isNull() ? null : node.path("leaderAddress").asText(null),
                    required(node, "commitIndex").asLong(), required(node, "appliedIndex").asLong(),
                    node.path("snapshotIndex").asLong(0), json);
        } catch (IOException e) {
            throw new UncheckedIOException("STATUS is not json: " + json, e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("STATUS lacks '" + field + "': " + node);
        }
        return value;
    }

    boolean isLeader() {
        return "LEADER".equals(role);
    }

    @Override
    public String toString() {
        return "node " + id + " " + role + " term " + term + " leader " + leaderId + " commit " + commitIndex
                + " applied " + appliedIndex;
    }
}
