package io.tern.engine.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of {@link SnapshotMetadata}: readable by a human with {@code cat}, and read back
 * strictly, because a file that fails any check must never be taken for a good snapshot.
 *
 * <pre>{@code
 * { "format": 1, "lastIncludedIndex": 120000, "lastIncludedTerm": 3,
 *   "members": [ { "id": 1, "address": "10.0.0.1:7379", "voter": true } ],
 *   "files": [ { "name": "000012.sst", "size": 1048576, "crc32c": "1a2b3c4d" } ],
 *   "checksum": "5e6f7a8b" }
 * }</pre>
 */
final class SnapshotMetadataJson {

    static final int FORMAT = 1;

    /**
     * No real metadata comes near this (a checkpoint of a terabyte has some thousands of files), so
     * a larger file or stream is corrupt or hostile, and is refused before it is read into memory.
     */
    static final int MAX_BYTES = 16 << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> TOP_FIELDS =
            Set.of("format", "lastIncludedIndex", "lastIncludedTerm", "members", "files", "checksum");
    private static final Set<String> MEMBER_FIELDS = Set.of("id", "address", "voter");
    private static final Set<String> FILE_FIELDS = Set.of("name", "size", "crc32c");

    private SnapshotMetadataJson() {
    }

    static byte[] encode(SnapshotMetadata metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("lastIncludedIndex", metadata.lastIncludedIndex());
        root.put("lastIncludedTerm", metadata.lastIncludedTerm());
        ArrayNode members = root.putArray("members");
        for (Member member : metadata.membership().members()) {
            members.addObject()
                    .put("id", member.id())
                    .put("address", member.address())
                    .put("voter", member.voter());
        }
        ArrayNode files = root.putArray("files");
        for (SnapshotFile file : metadata.files()) {
            files.addObject()
                    .put("name", file.name())
                    .put("size", file.sizeBytes())
                    .put("crc32c", Checksums.hex(file.crc32c()));
        }
        root.put("checksum", Checksums.hex(metadata.checksum()));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write snapshot metadata as JSON", e);
        }
    }

    /**
     * Parses and checks metadata: well-formed JSON, the known format, every field present with its
     * type and no other, and a checksum that matches the values.
     *
     * @throws IllegalArgumentException with a one-line reason if any check fails
     */
    static SnapshotMetadata decode(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new IllegalArgumentException("metadata of " + json.length + " bytes is over the limit of " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + oneLine(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + " column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + oneLine(e.getMessage()));
        }
        requireObjectWithFields(root, TOP_FIELDS, "metadata");
        long format = longField(root, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException("unknown metadata format " + format + " (this build reads " + FORMAT + ")");
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode member : arrayField(root, "members")) {
            requireObjectWithFields(member, MEMBER_FIELDS, "member");
            members.add(new Member(longField(member, "id"), textField(member, "address"), booleanField(member, "voter")));
        }
        List<SnapshotFile> files = new ArrayList<>();
        for (JsonNode file : arrayField(root, "files")) {
            requireObjectWithFields(file, FILE_FIELDS, "file");
            files.add(new SnapshotFile(textField(file, "name"), longField(file, "size"),
                    Checksums.parseHex(textField(file, "crc32c"))));
        }
        SnapshotMetadata metadata = new SnapshotMetadata(longField(root, "lastIncludedIndex"),
                longField(root, "lastIncludedTerm"), new Membership(members), files);
        int recorded = Checksums.parseHex(textField(root, "checksum"));
        int computed = metadata.checksum();
        if (recorded != computed) {
            throw new IllegalArgumentException("checksum " + Checksums.hex(recorded)
                    + " does not match the content (computed " + Checksums.hex(computed) + ")");
        }
        return metadata;
    }

    /** Unknown fields are refused too: a flipped bit in a field name must not pass unnoticed. */
    private static void requireObjectWithFields(JsonNode node, Set<String> fields, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException(what + " has an unknown field '" + oneLine(name) + "'");
            }
        }
        for (String field : fields) {
            if (!node.has(field)) {
                throw new IllegalArgumentException(what + " lacks the field '" + field + "'");
            }
        }
    }

    private static long longField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + field + "' is not a 64-bit integer");
        }
        return value.longValue();
    }

    private static String textField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is not a string");
        }
        return value.textValue();
    }

    private static boolean booleanField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' is not true or false");
        }
        return value.booleanValue();
    }

    private static JsonNode arrayField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is not an array");
        }
        return value;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
