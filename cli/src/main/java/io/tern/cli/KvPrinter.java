package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import java.io.PrintWriter;
import java.util.Base64;

/**
 * How the key operations print, in etcdctl's shapes: its {@code simple} output (a key line then a
 * value line per key, the deleted count, {@code SUCCESS}/{@code FAILURE} and each answer of a txn),
 * with keys and values shown as {@link Values} shows them, and its {@code json} output of a range.
 */
final class KvPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KvPrinter() {
    }

    /** A range: each key and its value (just the key for keys-only), or the count for count-only. */
    static void range(RangeResponse response, boolean keysOnly, boolean countOnly, PrintWriter out) {
        if (countOnly) {
            out.println(response.count());
            return;
        }
        for (VersionedKeyValue kv : response.kvs()) {
            keyValue(kv, keysOnly, out);
        }
    }

    /** A delete: how many keys it deleted, then each deleted key and value when they were asked for. */
    static void delete(DeleteRangeResponse response, PrintWriter out) {
        out.println(response.deleted());
        for (VersionedKeyValue kv : response.prevKvs()) {
            keyValue(kv, false, out);
        }
    }

    /** The key a put replaced, when it was asked for and existed. */
    static void previous(PutResponse response, PrintWriter out) {
        if (response.prevKv() != null) {
            keyValue(response.prevKv(), false, out);
        }
    }

    /** A txn as etcdctl prints it: SUCCESS or FAILURE, then a blank line and each answer of the branch. */
    static void txn(TxnResponse response, PrintWriter out) {
        out.println(response.succeeded() ? "SUCCESS" : "FAILURE");
        for (KvOpResponse answer : response.responses()) {
            out.println();
            switch (answer) {
                case RangeResponse r -> range(r, false, false, out);
                case PutResponse p -> {
                    out.println("OK");
                    previous(p, out);
                }
                case DeleteRangeResponse d -> delete(d, out);
                case TxnResponse t -> txn(t, out);
            }
        }
    }

    /**
     * A range in etcdctl's json: {@code header.revision}, {@code kvs} with base64 keys and values,
     * {@code count} and {@code more}; like etcdctl, fields at their zero value are left out.
     */
    static void rangeJson(long revision, RangeResponse response, PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("header").put("revision", revision);
        if (!response.kvs().isEmpty()) {
            ArrayNode kvs = root.putArray("kvs");
            for (VersionedKeyValue kv : response.kvs()) {
                ObjectNode node = kvs.addObject();
                node.put("key", Base64.getEncoder().encodeToString(kv.key()));
                nonZero(node, "create_revision", kv.createRevision());
                nonZero(node, "mod_revision", kv.modRevision());
                nonZero(node, "version", kv.version());
                if (kv.value().length > 0) {
                    node.put("value", Base64.getEncoder().encodeToString(kv.value()));
                }
                nonZero(node, "lease", kv.lease());
            }
        }
        nonZero(root, "count", response.count());
        if (response.more()) {
            root.put("more", true);
        }
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: writing a tree of plain values", e);
        }
    }

    private static void nonZero(ObjectNode node, String field, long value) {
        if (value != 0) {
            node.put(field, value);
        }
    }

    private static void keyValue(VersionedKeyValue kv, boolean keysOnly, PrintWriter out) {
        out.println(Values.show(kv.key()));
        if (!keysOnly) {
            out.println(Values.show(kv.value()));
        }
    }
}
